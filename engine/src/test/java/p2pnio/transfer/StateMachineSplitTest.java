package p2pnio.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeEvent;
import p2pnio.ScriptedServer;
import p2pnio.TestCluster;
import p2pnio.testkit.Poll;
import p2pnio.testkit.Seeds;
import p2pnio.wire.TransferHeader;

/**
 * The upload and download state machines, driven over real loopback sockets by peers that split
 * what they send into single bytes and random pieces (each piece flushed with TCP_NODELAY, so the
 * node sees many partial reads).
 */
class StateMachineSplitTest {

    /** A blocking read that gets nothing for this long fails the test instead of hanging it. */
    private static final int READ_TIMEOUT_MILLIS = 20_000;

    @TempDir
    Path tmp;

    /** A client socket whose connect and every read give up after {@link #READ_TIMEOUT_MILLIS}. */
    private static Socket connect(InetSocketAddress to) throws java.io.IOException {
        Socket s = new Socket();
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.connect(to, READ_TIMEOUT_MILLIS);
        return s;
    }

    private static void writeInPieces(OutputStream out, byte[] data, Random random, int maxPiece) throws Exception {
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + random.nextInt(maxPiece));
            out.write(data, at, n);
            out.flush();
            at += n;
            if (random.nextInt(4) == 0) {
                Thread.sleep(1); // shape the input into separate segments; not a synchronisation
            }
        }
    }

    @Test
    void uploadReadsARequestSentOneByteAtATime() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b);
            byte[] data = new byte[70_000];
            new Random(3).nextBytes(data);
            Files.write(TestCluster.folder(node).resolve("bytes.bin"), data);
            try (Socket s = connect(node.transferAddress())) {
                s.setTcpNoDelay(true);
                byte[] request = "Get,bytes.bin\n".getBytes(StandardCharsets.US_ASCII);
                for (byte b : request) {
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    Thread.sleep(2);
                }
                InputStream in = s.getInputStream();
                byte[] header = in.readNBytes(TransferHeader.BYTES);
                assertThat(new String(header, StandardCharsets.US_ASCII))
                        .isEqualTo("70000:::::bytes.bin" + ":".repeat(55));
                assertThat(in.readAllBytes()).isEqualTo(data); // then the server closes
            }
        }
    }

    @Test
    void uploadHandlesASlowReaderThroughPartialWrites() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.sendChunkBytes(4096));
            byte[] data = new byte[8 << 20];
            new Random(4).nextBytes(data);
            Files.write(TestCluster.folder(node).resolve("big.bin"), data);
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096); // before connecting, so the window is small from the start
                s.setSoTimeout(READ_TIMEOUT_MILLIS);
                s.connect(node.transferAddress(), READ_TIMEOUT_MILLIS);
                s.getOutputStream().write("Get,big.bin\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                in.readNBytes(TransferHeader.BYTES);
                byte[] got = new byte[data.length];
                int at = 0;
                Random random = new Random(5);
                while (at < got.length) {
                    int n = in.read(got, at, Math.min(got.length - at, 1 + random.nextInt(65536)));
                    assertThat(n).isPositive();
                    at += n;
                }
                assertThat(got).isEqualTo(data);
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(node.stats().get(5, TimeUnit.SECONDS).transferToCalls()).isGreaterThan(data.length / 4096 - 1);
        }
    }

    @RepeatedTest(5)
    void downloadParsesHeaderAndBodySentInRandomPieces() throws Exception {
        Seeds.run("a download sent in random pieces", random -> {
            long pieces = random.nextLong();
            byte[] body = new byte[random.nextInt(200_000)];
            random.nextBytes(body);
            try (ScriptedServer server = new ScriptedServer(s -> {
                assertThat(ScriptedServer.readLine(s)).isEqualTo("Get,pieces.bin");
                byte[] header = TransferHeader.encode(body.length, "pieces.bin");
                byte[] all = new byte[header.length + body.length];
                System.arraycopy(header, 0, all, 0, header.length);
                System.arraycopy(body, 0, all, header.length, body.length);
                try {
                    writeInPieces(s.getOutputStream(), all, new Random(pieces), 3000);
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            }); TestCluster cluster = new TestCluster(Files.createTempDirectory(tmp, "pieces"))) {
                Node node = cluster.start("node", b -> b.addPeer(server.address()));
                node.post(new Command.Fetch("pieces.bin"));
                NodeEvent outcome = cluster.events(node).awaitOutcome("pieces.bin", Duration.ofSeconds(20));
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(Files.readAllBytes(TestCluster.folder(node).resolve("pieces.bin"))).isEqualTo(body);
            }
        });
    }

    @Test
    void downloadTakesTheHeaderOneByteAtATime() throws Exception {
        byte[] body = "0123456789".getBytes(StandardCharsets.US_ASCII);
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readLine(s);
            OutputStream out = s.getOutputStream();
            for (byte b : TransferHeader.encode(body.length, "one.txt")) {
                out.write(b);
                out.flush();
                Thread.sleep(1);
            }
            out.write(body);
        }); TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.addPeer(server.address()));
            node.post(new Command.Fetch("one.txt"));
            assertThat(cluster.events(node).awaitOutcome("one.txt", Duration.ofSeconds(20)))
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(TestCluster.folder(node).resolve("one.txt"))).isEqualTo(body);
        }
    }

    @Test
    void downloadNeverWritesPastSizeAndIgnoresExtraBytes() throws Exception {
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readLine(s);
            OutputStream out = s.getOutputStream();
            out.write(TransferHeader.encode(5, "five.txt"));
            out.write("12345-and-then-garbage".getBytes(StandardCharsets.US_ASCII));
        }); TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.addPeer(server.address()));
            node.post(new Command.Fetch("five.txt"));
            assertThat(cluster.events(node).awaitOutcome("five.txt", Duration.ofSeconds(20)))
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readString(TestCluster.folder(node).resolve("five.txt"))).isEqualTo("12345");
        }
    }

    @Test
    void aBodyShorterThanSizeFailsAndLeavesNoPartialFile() throws Exception {
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readLine(s);
            OutputStream out = s.getOutputStream();
            out.write(TransferHeader.encode(1000, "short.bin"));
            out.write(new byte[600]);
        }); TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.addPeer(server.address()));
            node.post(new Command.Fetch("short.bin"));
            NodeEvent outcome = cluster.events(node).awaitOutcome("short.bin", Duration.ofSeconds(20));
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("600 of 1000");
            assertThat(TestCluster.partials(TestCluster.folder(node))).isEmpty();
            assertThat(TestCluster.folder(node).resolve("short.bin")).doesNotExist();
        }
    }

    @Test
    void closingTheNodeFailsRunningDownloadsAndRemovesTheirPartialFiles() throws Exception {
        java.util.concurrent.CountDownLatch bodyStarted = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readLine(s);
            OutputStream out = s.getOutputStream();
            out.write(TransferHeader.encode(1 << 20, "stuck.bin"));
            out.write(new byte[1000]);
            out.flush();
            bodyStarted.countDown();
            release.await(20, TimeUnit.SECONDS);
        })) {
            TestCluster cluster = new TestCluster(tmp);
            Node node = cluster.start("node", b -> b.addPeer(server.address()));
            node.post(new Command.Fetch("stuck.bin"));
            cluster.events(node).await(NodeEvent.DownloadStarted.class, e -> true, Duration.ofSeconds(20));
            assertThat(bodyStarted.await(10, TimeUnit.SECONDS)).isTrue();
            Path folder = TestCluster.folder(node);
            Poll.until(Duration.ofSeconds(10), () -> TestCluster.partials(folder), p -> !p.isEmpty());
            // One partial download: its bytes and its record, under one random id.
            List<String> partials = TestCluster.partials(folder);
            assertThat(partials).hasSize(2).allMatch(n -> n.startsWith(partials.get(0).substring(0, 21)));
            assertThat(partials.get(0)).endsWith(".part");
            assertThat(partials.get(1)).endsWith(".rec");
            cluster.close();
            release.countDown();
            assertThat(cluster.events(node).awaitOutcome("stuck.bin", Duration.ofSeconds(5)))
                    .isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(TestCluster.partials(folder)).isEmpty();
            assertThat(node.stopped()).isDone();
            assertThat(cluster.events(node).all(NodeEvent.Stopped.class)).singleElement()
                    .extracting(NodeEvent.Stopped::cause).isNull();
        }
    }

    @Test
    void theReferenceClientsSingleWriteRequestIsServed() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b);
            Files.writeString(TestCluster.folder(node).resolve("x.txt"), "x");
            try (Socket s = connect(new InetSocketAddress("127.0.0.1", node.transferAddress().getPort()))) {
                s.getOutputStream().write("Get,../../x.txt\n".getBytes(StandardCharsets.US_ASCII));
                byte[] all = s.getInputStream().readAllBytes();
                assertThat(new String(all, StandardCharsets.US_ASCII)).isEqualTo("1:::::::::x.txt" + ":".repeat(59) + "x");
            }
        }
    }

    @Test
    void filesOfTenBillionBytesOrMoreAreRefusedWithoutAWrongHeader() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b);
            Path huge = TestCluster.folder(node).resolve("too-big.img");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
                f.setLength(TransferHeader.MAX_SIZE + 1); // sparse: costs no disk
            }
            try (Socket s = connect(node.transferAddress())) {
                s.getOutputStream().write("Get,too-big.img\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().readAllBytes()).isEmpty();
            }
            NodeEvent.UploadFailed failed = cluster.events(node).await(NodeEvent.UploadFailed.class,
                    e -> e.name().equals("too-big.img"), Duration.ofSeconds(10));
            assertThat(failed.reason()).contains("10-digit SIZE");
        }
    }
}
