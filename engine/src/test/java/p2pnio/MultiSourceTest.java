package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.Range;

/**
 * One file from several sources at once (issue #12), over real sockets: real nodes serve ranges,
 * a real server that lies sends wrong bytes for some of them. The download is verified whole; a
 * liar is found and named, a failed source's pieces go to the others, and nothing but the right
 * bytes is ever put in place.
 */
class MultiSourceTest {

    private static final long PIECE = 256 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void threeNodesShareOutOneFileAndItArrivesWholeAndVerified() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            byte[] data = null;
            List<Node> servers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path big = TestFiles.random(Files.createDirectories(tmp.resolve("server" + i)).resolve("big.bin"),
                        5 * 1024 * 1024 + 17, 7); // indexed when the node starts
                data = Files.readAllBytes(big);
                servers.add(cluster.start("server" + i, b -> b));
            }
            Node client = cluster.start("client", b -> b);
            client.post(new Command.FetchFrom("big.bin", data.length, sha256(data),
                    servers.stream().map(Node::transferAddress).toList(), PIECE));

            NodeEvent outcome = cluster.events(client).awaitOutcome("big.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
            assertThat(((NodeEvent.DownloadFinished) outcome).peer()).isEqualTo("3 sources");
            long sent = 0;
            for (Node s : servers) {
                NodeStats st = s.stats().get();
                assertThat(st.rangesServed()).as("ranges served by %s", s.transferAddress()).isPositive();
                sent += st.bytesSent();
            }
            // every byte came once, but for the end game's second asks (at most one piece per source)
            assertThat(sent).isBetween((long) data.length, data.length + 3 * PIECE);
            assertThat(TestCluster.partials(TestCluster.folder(client))).isEmpty();
        }
    }

    /**
     * {@code get} (a plain {@link Command.Fetch}) starts the download from several sources by
     * itself: the extended answers with the same size and SHA-256 and {@code range} are gathered
     * for a moment and handed to one multi-source download.
     */
    @Test
    void aFetchOfAFileThreeNodesHoldIsOneDownloadFromAllThree() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            List<Node> servers = holders(cluster, "held", 3, i -> b -> b);
            Node client = askingAll(cluster, servers);
            client.post(new Command.Fetch("many.bin"));

            NodeEvent outcome = cluster.events(client).awaitOutcome("many.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) outcome).peer()).isEqualTo("3 sources");
            assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file()))
                    .isEqualTo(Files.readAllBytes(TestCluster.folder(servers.get(0)).resolve("many.bin")));
            int serving = 0;
            for (Node s : servers) {
                serving += s.stats().get().rangesServed() > 0 ? 1 : 0;
            }
            assertThat(serving).as("servers that sent ranges").isGreaterThanOrEqualTo(2);
        }
    }

    /** An answer that comes after the download started (a slow peer) joins it as one more source. */
    @Test
    void aLateAnswerWithTheSameDigestJoinsTheRunningDownload() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            // slow enough to still be fetching when the late one answers, 700 ms after the Get
            List<Node> servers = holders(cluster, "late", 3, i -> b -> b.maxUploadRate(3L << 20)
                    .delay(Duration.ofMillis(i == 2 ? 700 : 0)));
            Node client = askingAll(cluster, servers);
            client.post(new Command.Fetch("many.bin"));

            NodeEvent outcome = cluster.events(client).awaitOutcome("many.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(cluster.events(client).all(NodeEvent.DownloadStarted.class)).singleElement()
                    .satisfies(e -> assertThat(e.peer()).isEqualTo("2 sources"));
            assertThat(((NodeEvent.DownloadFinished) outcome).peer()).isEqualTo("3 sources");
            assertThat(servers.get(2).stats().get().rangesServed()).as("ranges sent by the late one").isPositive();
        }
    }

    /** Starts {@code count} nodes that share the same {@code many.bin} (three pieces and a bit), hashed. */
    private List<Node> holders(TestCluster cluster, String prefix, int count,
                               java.util.function.IntFunction<java.util.function.UnaryOperator<NodeConfig.Builder>> tune)
            throws Exception {
        List<Node> servers = new ArrayList<>();
        String digest = null;
        for (int i = 0; i < count; i++) {
            Path big = TestFiles.random(Files.createDirectories(tmp.resolve(prefix + i)).resolve("many.bin"),
                    3 * (int) p2pnio.transfer.Transfers.PIECE_BYTES + 11, 21);
            digest = TestFiles.sha256(big);
            servers.add(cluster.start(prefix + i, tune.apply(i))); // indexed when it starts
        }
        String sha = digest;
        for (Node s : servers) {
            Poll.until(WAIT, "a server hashed many.bin", () -> s.files().get().stream().anyMatch(f -> sha.equals(f.sha256())));
        }
        return servers;
    }

    /** A client that knows every one of {@code servers} as one of our nodes. */
    private static Node askingAll(TestCluster cluster, List<Node> servers) throws Exception {
        Node client = cluster.start("client", b -> {
            servers.forEach(s -> b.addPeer(s.address()));
            return b;
        });
        Poll.until(WAIT, "the client knows its peers as our nodes", () -> client.peers().get().stream()
                .filter(p -> p.protocol().startsWith("p2pnio/")).count() == servers.size());
        return client;
    }

    /** With one extended answer, a fetch stays today's single download (no ranges). */
    @Test
    void aFetchOfAFileOneNodeHoldsIsAPlainSingleDownload() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path file = TestFiles.random(Files.createDirectories(tmp.resolve("one")).resolve("one.bin"), 1024 * 1024, 4);
            Node server = cluster.start("one", b -> b); // indexed when it starts
            String digest = TestFiles.sha256(file);
            Poll.until(WAIT, "the server hashed one.bin", () -> server.files().get().stream()
                    .anyMatch(f -> digest.equals(f.sha256())));
            Node client = cluster.start("client", b -> b.addPeer(server.address()));
            client.post(new Command.Fetch("one.bin"));
            NodeEvent outcome = cluster.events(client).awaitOutcome("one.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) outcome).peer()).doesNotContain("sources");
            assertThat(server.stats().get().rangesServed()).isZero();
        }
    }

    /**
     * A source that answers {@code REFUSED,missing} (its index had not rescanned yet) gets one
     * second chance after {@code Swarm.SECOND_CHANCE}, on a timer: the file arrives meanwhile, and
     * the download finishes from it.
     */
    @Test
    void aSourceThatRefusedAsMissingIsAskedOnceMoreAfterItsSecondChanceDelay() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path file = TestFiles.random(Files.createDirectories(tmp.resolve("elsewhere")).resolve("later.bin"),
                    1024 * 1024 + 3, 12);
            String sha = TestFiles.sha256(file);
            Node server = cluster.start("late", b -> b); // its folder does not hold later.bin yet
            Node client = cluster.start("client", b -> b);
            client.post(new Command.FetchFrom("later.bin", Files.size(file), sha, List.of(server.transferAddress()), PIECE));
            cluster.events(client).await(NodeEvent.Warning.class, w -> w.message().contains("asking it again in"), WAIT);
            Files.copy(file, TestCluster.folder(server).resolve("later.bin"));

            NodeEvent outcome = cluster.events(client).awaitOutcome("later.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(TestFiles.sha256(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(sha);
        }
    }

    /** The second chance is one: a source still without the file is dropped, and the download fails. */
    @Test
    void aSourceStillMissingTheFileAfterItsSecondChanceIsDropped() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = cluster.start("empty", b -> b);
            Node client = cluster.start("client", b -> b);
            client.post(new Command.FetchFrom("never.bin", 1000, "ab".repeat(32), List.of(server.transferAddress()), PIECE));

            NodeEvent outcome = cluster.events(client).awaitOutcome("never.bin", WAIT);
            assertThat(outcome).isInstanceOfSatisfying(NodeEvent.DownloadFailed.class,
                    f -> assertThat(f.reason()).contains("no source left").contains("missing"));
            assertThat(cluster.events(client).all(NodeEvent.Warning.class))
                    .filteredOn(w -> w.message().contains("asking it again in")).hasSize(1);
        }
    }

    @Test
    void aLyingSourceIsFoundNamedAndDroppedAndTheFileStillVerifies() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node honest = cluster.start("honest", b -> b);
            Path file = TestFiles.random(TestCluster.folder(honest).resolve("doc.bin"), 3 * 1024 * 1024 + 5, 11);
            byte[] data = Files.readAllBytes(file);
            try (LyingServer liar = new LyingServer(data, offset -> (offset / PIECE) % 2 == 1)) {
                Node client = cluster.start("client", b -> b);
                client.post(new Command.FetchFrom("doc.bin", data.length, sha256(data),
                        List.of(liar.address(), honest.transferAddress()), PIECE));

                NodeEvent outcome = cluster.events(client).awaitOutcome("doc.bin", WAIT);
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
                assertThat(liar.rangesServed.get()).as("the liar took part").isPositive();
                String liarName = "127.0.0.1:" + liar.address().getPort();
                assertThat(cluster.events(client).all(NodeEvent.Warning.class)).map(NodeEvent.Warning::message)
                        .anyMatch(m -> m.contains(liarName) && m.contains("sent wrong bytes for"))
                        .noneMatch(m -> m.contains(honest.transferAddress().getPort() + " sent wrong bytes"));
                assertThat(TestCluster.partials(TestCluster.folder(client))).isEmpty();
            }
        }
    }

    @Test
    void inTheEndGameAStalledSourcesPieceIsAskedOfAnotherAndTheFirstToFinishWins() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Path dir = Files.createDirectories(tmp.resolve("fast"));
            byte[] data = Files.readAllBytes(TestFiles.random(dir.resolve("end.bin"), 2 * 1024 * 1024 + 9, 13));
            Node fast = cluster.start("fast", b -> b);
            try (LyingServer stalls = new LyingServer(data, offset -> false, offset -> true)) {
                // the idle timeout is far away: only the end game can finish this download in time
                Node client = cluster.start("client", b -> b.idleTimeout(Duration.ofMinutes(5)));
                client.post(new Command.FetchFrom("end.bin", data.length, sha256(data),
                        List.of(stalls.address(), fast.transferAddress()), PIECE));
                NodeEvent outcome = cluster.events(client).awaitOutcome("end.bin", WAIT);
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
                assertThat(stalls.rangesServed.get()).as("the stalled source was asked once, then raced").isEqualTo(1);
            }
        }
    }

    @Test
    void transfersShowsOneLinePerDownloadWithItsSourcesAndCancelDeletesItsPartialFile() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            byte[] data = new byte[3 * (int) PIECE];
            new java.util.Random(9).nextBytes(data);
            try (LyingServer slow = new LyingServer(data, offset -> false, offset -> true);
                 LyingServer slower = new LyingServer(data, offset -> false, offset -> true)) {
                Node client = cluster.start("client", b -> b.idleTimeout(Duration.ofMinutes(5)));
                client.post(new Command.FetchFrom("held.bin", data.length, sha256(data),
                        List.of(slow.address(), slower.address()), PIECE));
                List<NodeEvent.TransferInfo> rows = Poll.until(Duration.ofSeconds(20), () -> client.transfers().get(),
                        t -> t.stream().anyMatch(r -> r.bytes() == PIECE)); // half of each of two pieces
                assertThat(rows).filteredOn(r -> r.name().equals("held.bin")).singleElement().satisfies(r -> {
                    assertThat(r.direction()).isEqualTo("download");
                    assertThat(r.state()).isEqualTo("FETCHING");
                    assertThat(r.peer()).startsWith("2/2 sources: ")
                            .contains("127.0.0.1:" + slow.address().getPort() + " ")
                            .contains("127.0.0.1:" + slower.address().getPort() + " ").contains("MiB/s");
                    assertThat(r.size()).isEqualTo(data.length);
                });
                assertThat(TestCluster.partials(TestCluster.folder(client))).hasSize(2); // the part and its record
                client.post(new Command.Cancel("held.bin"));
                assertThat(cluster.events(client).awaitOutcome("held.bin", WAIT)).isInstanceOfSatisfying(
                        NodeEvent.DownloadFailed.class, f -> assertThat(f.reason()).isEqualTo("cancelled"));
                assertThat(TestCluster.partials(TestCluster.folder(client))).isEmpty();
            }
        }
    }

    @Test
    void whenEverySourceLiesTheDownloadFailsAndLeavesNothing() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            byte[] data = new byte[700_000];
            new java.util.Random(5).nextBytes(data);
            try (LyingServer a = new LyingServer(data, offset -> offset == 0);
                 LyingServer b = new LyingServer(data, offset -> offset == PIECE)) {
                Node client = cluster.start("client", x -> x);
                client.post(new Command.FetchFrom("lie.bin", data.length, sha256(data),
                        List.of(a.address(), b.address()), PIECE));
                NodeEvent outcome = cluster.events(client).awaitOutcome("lie.bin", WAIT);
                assertThat(outcome).isInstanceOfSatisfying(NodeEvent.DownloadFailed.class,
                        f -> assertThat(f.reason()).contains("does not match its SHA-256"));
                assertThat(Files.exists(TestCluster.folder(client).resolve("lie.bin"))).isFalse();
                Poll.until(Duration.ofSeconds(10), "no partial file left", () -> TestCluster.partials(TestCluster.folder(client)).isEmpty());
            }
        }
    }

    @Test
    void aSourceThatIsGoneLeavesItsPiecesToTheOthers() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = cluster.start("server", b -> b);
            Path file = TestFiles.random(TestCluster.folder(server).resolve("x.bin"), 2 * 1024 * 1024, 3);
            byte[] data = Files.readAllBytes(file);
            InetSocketAddress gone;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                gone = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
            } // closed: nothing listens there now
            Node client = cluster.start("client", b -> b);
            client.post(new Command.FetchFrom("x.bin", data.length, sha256(data),
                    List.of(gone, server.transferAddress()), PIECE));
            NodeEvent outcome = cluster.events(client).awaitOutcome("x.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
            assertThat(cluster.events(client).all(NodeEvent.Warning.class)).map(NodeEvent.Warning::message)
                    .anyMatch(m -> m.contains("no more pieces from 127.0.0.1:" + gone.getPort()));
        }
    }

    /**
     * A real server on a real socket that answers ranged requests like one of our nodes, but
     * sends wrong bytes (each byte inverted) for the ranges whose offset {@code lies} names, or
     * stalls halfway through those {@code stalls} names.
     */
    static final class LyingServer implements AutoCloseable {
        final AtomicLong rangesServed = new AtomicLong();
        private final ServerSocket server;
        private final byte[] data;
        private final LongPredicate lies;
        private final LongPredicate stalls;
        private final Thread acceptor;

        LyingServer(byte[] data, LongPredicate lies) throws IOException {
            this(data, lies, offset -> false);
        }

        /** ... and sends half of the ranges {@code stalls} names, then nothing more until the client goes. */
        LyingServer(byte[] data, LongPredicate lies, LongPredicate stalls) throws IOException {
            this.data = data;
            this.lies = lies;
            this.stalls = stalls;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.acceptor = new Thread(this::acceptAll, "lying-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        }

        private void acceptAll() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> serve(s), "lying-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                    line.append((char) c);
                }
                if (!(Range.ask(line.toString()) instanceof Range.Ranged r)) {
                    return;
                }
                Range range = r.range();
                out.write(Range.accepted(range, data.length));
                byte[] body = java.util.Arrays.copyOfRange(data, (int) range.offset(), (int) range.end());
                if (lies.test(range.offset())) {
                    for (int i = 0; i < body.length; i++) {
                        body[i] = (byte) ~body[i];
                    }
                }
                rangesServed.incrementAndGet();
                if (stalls.test(range.offset())) {
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    in.transferTo(OutputStream.nullOutputStream()); // until the client closes
                    return;
                }
                out.write(body);
                out.flush();
                s.shutdownOutput();
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the client went away (an end game's loser is cancelled): nothing to do
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
