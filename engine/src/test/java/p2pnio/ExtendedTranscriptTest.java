package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The extended exchange of issue 11, byte for byte, as a node really sends it (the bytes
 * docs/protocol.md shows): a marked {@code Get} is answered by the extended {@code File}
 * (version, capabilities, size, SHA-256, name), a plain {@code Get} from a stranger by the
 * reference's {@code File,1,<port>}, and a {@code LIST} from a peer by {@code FILES}.
 */
class ExtendedTranscriptTest {

    private static final String SHA_A = "093076c47692a2932590da1bc439224d6ead0f42fe2eb39bbd26182c99f6468d";

    @TempDir
    Path tmp;

    @Test
    void theExtendedAnswersHaveTheirDocumentedBytes() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "hello from the reference example\n");
        try (DatagramSocket us = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Node node = Node.start(NodeConfig.builder().port(0).folder(tmp).delay(Duration.ZERO)
                     .period(Duration.ofHours(1)).addPeer("127.0.0.1:" + us.getLocalPort()).build(), e -> { })) {
            us.setSoTimeout(200);
            stranger.setSoTimeout(5000);
            InetSocketAddress to = node.controlAddress();
            int tcp = node.transferAddress().getPort();
            p2pnio.testkit.Poll.until(Duration.ofSeconds(20), "the node hashed a.txt", () -> node.files()
                    .get(5, TimeUnit.SECONDS).stream().anyMatch(f -> SHA_A.equals(f.sha256())));

            send(us, to, "Get,a.txt,p2pnio/1\n");
            assertThat(receiveUntil(us, "File,")).isEqualTo("File,1," + tcp + ",p2pnio/1,members+sha256+browse+range,33,"
                    + SHA_A + ",a.txt\n");

            send(stranger, to, "Get,a.txt\n"); // a reference-style peer: the reference's bytes
            assertThat(receiveUntil(stranger, "File,")).isEqualTo("File,1," + tcp + "\n");

            send(us, to, "LIST,p2pnio/1,5\n");
            assertThat(receiveUntil(us, "FILES,")).isEqualTo("FILES,p2pnio/1,5,1,1,33/" + SHA_A + "/a.txt\n");
        }
    }

    private static void send(DatagramSocket from, InetSocketAddress to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(b, b.length, to));
    }

    /** The first datagram starting with {@code prefix} (the node's DISCOVER, HELLO, PING may come first). */
    private static String receiveUntil(DatagramSocket socket, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> seen = new ArrayList<>();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            if (text.startsWith(prefix)) {
                return text;
            }
            seen.add(text);
        }
        throw new AssertionError("no " + prefix + " within 10 s; got " + seen);
    }
}
