package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;

/**
 * {@code serve} and {@code get} talk to a peer that behaves exactly as the reference node does on
 * the wire (PROTOCOL.md): single-read request, ':'-padded header, blocking 1 KiB copy loop.
 */
class ReferencePeerIT {

    @TempDir
    Path tmp;

    @Test
    void getDownloadsFromAReferenceStylePeerBitIdentical() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("reference"));
        Files.createDirectories(tmp.resolve("ours"));
        Path original = TestFiles.random(theirs.resolve("lecture.pdf"), 700_001, 7);
        try (ReferencePeer reference = new ReferencePeer(theirs, 0)) {
            Jar.Result get = Jar.run(tmp, Map.of(), Duration.ofSeconds(60),
                    "get", "lecture.pdf", "--folder", "ours", "--peer", reference.address());

            assertThat(get.exit()).as(get.output()).isZero();
            assertThat(TestFiles.sha256(tmp.resolve("ours/lecture.pdf"))).isEqualTo(TestFiles.sha256(original));
            assertThat(reference.datagrams()).contains("Get,lecture.pdf");
            assertThat(reference.requests()).containsExactly("Get,lecture.pdf");
        }
    }

    @Test
    void serveAnswersAReferenceStyleClientWithFileThenAPaddedHeaderAndTheBytes() throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("ours"));
        Path original = TestFiles.random(ours.resolve("song.ogg"), 1_234_567, 3);
        try (Jar serve = Jar.serve(tmp, "--folder", "ours");
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String[] hostPort = serve.udp().split(":");
            byte[] get = "Get,song.ogg\n".getBytes(StandardCharsets.UTF_8);
            udp.send(new DatagramPacket(get, get.length, InetAddress.getByName(hostPort[0]), Integer.parseInt(hostPort[1])));

            udp.setSoTimeout(10_000);
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            udp.receive(answer);
            String file = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
            assertThat(file).matches("File,1,\\d+\n");
            int tcpPort = Integer.parseInt(file.strip().split(",")[2]);

            Path saved = tmp.resolve("received.ogg");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("Get,song.ogg\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] header = new byte[74];
                in.readFully(header);
                assertThat(header).isEqualTo(ReferencePeer.header(1_234_567, "song.ogg"));
                long size = Long.parseLong(stripColons(new String(header, 0, 10, StandardCharsets.US_ASCII)));
                Files.write(saved, in.readNBytes((int) size));
                assertThat(in.read()).as("the server closes after SIZE bytes").isEqualTo(-1);
            }
            assertThat(TestFiles.sha256(saved)).isEqualTo(TestFiles.sha256(original));
        }
    }

    @Test
    void serveDiscoversAReferenceStylePeerAndTellsItTheCluster() throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("ours"));
        try (ReferencePeer reference = new ReferencePeer(Files.createDirectories(tmp.resolve("reference")), 0);
             Jar serve = Jar.serve(tmp, "--folder", "ours", "--peer", reference.address(), "--period", "0.2")) {
            Poll.until(Duration.ofSeconds(10), reference::datagrams, d -> d.stream().anyMatch(t -> t.startsWith("DISCOVER")));
            // the reference's bytes, plus our own address first: the self-announcement of docs/protocol.md
            // ("Extensions"), the one entry a reference node gets that it did not before
            assertThat(reference.datagrams()).as("datagrams the reference peer received from %s", ours)
                    .anyMatch(d -> d.matches("DISCOVER,127\\.0\\.0\\.1:[0-9]+," + java.util.regex.Pattern.quote(reference.address())));
        }
    }

    private static String stripColons(String field) {
        int end = field.length();
        while (end > 0 && field.charAt(end - 1) == ':') {
            end--;
        }
        return field.substring(0, end);
    }
}
