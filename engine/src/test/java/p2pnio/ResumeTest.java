package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.TestFiles;

/**
 * Resume after a break (issue #12), over real sockets with real nodes: a download from several
 * sources interrupted at half (our node stopped, or its only source stopped) keeps its partial
 * file and a record of the pieces done; asking again, from a node started anew on the same
 * folder, fetches only what is missing, and the file verifies.
 */
class ResumeTest {

    private static final long PIECE = 256 * 1024;
    private static final int SIZE = 6 * 1024 * 1024 + 11;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private byte[] shared(String... nodes) throws Exception {
        byte[] data = null;
        for (String n : nodes) {
            Path f = TestFiles.random(Files.createDirectories(tmp.resolve(n)).resolve("film.bin"), SIZE, 21);
            data = Files.readAllBytes(f);
        }
        return data;
    }

    private static long sent(List<Node> servers) throws Exception {
        long n = 0;
        for (Node s : servers) {
            n += s.stats().get().bytesSent();
        }
        return n;
    }

    /** The record's {@code key=} value. */
    private static String recordField(Path folder, String key) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            Path rec = s.filter(p -> p.getFileName().toString().endsWith(".rec")).findFirst().orElseThrow();
            return Files.readAllLines(rec).stream().filter(l -> l.startsWith(key + "=")).findFirst()
                    .map(l -> l.substring(key.length() + 1)).orElse(null);
        }
    }

    private static int piecesIn(String ranges) {
        int n = 0;
        for (String run : ranges.split(",")) {
            String[] ab = run.split("-");
            n += Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1;
        }
        return n;
    }

    @Test
    void ourNodeStoppedAtHalfResumesAfterARestartAndFetchesAtMostOnePieceAgainPerSource() throws Exception {
        byte[] data = shared("a", "b");
        try (TestCluster cluster = new TestCluster(tmp)) {
            List<Node> servers = new ArrayList<>();
            for (String n : new String[] {"a", "b"}) {
                servers.add(cluster.start(n, b -> b.maxUploadRate(2 << 20)));
            }
            List<java.net.InetSocketAddress> from = servers.stream().map(Node::transferAddress).toList();
            Command.FetchFrom fetch = new Command.FetchFrom("film.bin", SIZE, sha256(data), from, PIECE);

            Node first = cluster.start("client", b -> b);
            Path folder = TestCluster.folder(first);
            first.post(fetch);
            cluster.events(first).await(NodeEvent.DownloadProgress.class, p -> p.received() >= SIZE / 2, WAIT);
            // while it runs, the record already names pieces done (forced first): what a SIGKILL would leave
            p2pnio.testkit.Poll.until(WAIT, "pieces recorded while the download runs", () -> {
                String done = recordField(folder, "done");
                return done != null && !done.isEmpty() && "1".equals(recordField(folder, "end"));
            });
            first.close(); // as SIGTERM does: the loop stops, the download fails
            assertThat(cluster.events(first).all(NodeEvent.DownloadFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains("pieces kept"));
            assertThat(TestCluster.partials(folder)).hasSize(2);
            assertThat(recordField(folder, "sha256")).isEqualTo(sha256(data));
            assertThat(recordField(folder, "end")).isEqualTo("1");
            int kept = piecesIn(recordField(folder, "done"));
            assertThat(kept).isGreaterThanOrEqualTo(SIZE / 2 / (int) PIECE - 2);
            long sentBefore = sent(servers);

            Node second = cluster.start("client", b -> b); // the same folder: the sweep keeps it, the fetch takes it up
            second.post(fetch);
            NodeEvent outcome = cluster.events(second).awaitOutcome("film.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
            assertThat(TestCluster.partials(folder)).isEmpty();
            long missing = SIZE - kept * PIECE;
            // only the missing pieces came, but for the end game's second asks (one piece per source at most)
            assertThat(sent(servers) - sentBefore).isBetween(missing, missing + 2 * PIECE);
            // over both runs: the pieces in flight at the stop and the end game's, one each per source
            assertThat(sent(servers) - SIZE).isLessThanOrEqualTo(2 * 2 * PIECE);
        }
    }

    @Test
    void itsOnlySourceStoppedAtHalfTheDownloadIsKeptAndResumedFromTheSourceStartedAgain() throws Exception {
        byte[] data = shared("server");
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = cluster.start("server", b -> b.maxUploadRate(3 << 20));
            Node client = cluster.start("client", b -> b);
            Path folder = TestCluster.folder(client);
            client.post(new Command.FetchFrom("film.bin", SIZE, sha256(data), List.of(server.transferAddress()), PIECE));
            cluster.events(client).await(NodeEvent.DownloadProgress.class, p -> p.received() >= SIZE / 2, WAIT);
            long sentBefore = server.stats().get().bytesSent();
            server.close();
            NodeEvent failed = cluster.events(client).awaitOutcome("film.bin", WAIT);
            assertThat(failed).isInstanceOfSatisfying(NodeEvent.DownloadFailed.class,
                    f -> assertThat(f.reason()).contains("no source left").contains("pieces kept"));
            p2pnio.testkit.Poll.until(Duration.ofSeconds(10), "the partial file kept",
                    () -> TestCluster.partials(folder).size() == 2 && "1".equals(recordField(folder, "end")));
            int kept = piecesIn(recordField(folder, "done"));

            Node again = cluster.start("server", b -> b); // the same folder, a new port
            client.post(new Command.FetchFrom("film.bin", SIZE, sha256(data), List.of(again.transferAddress()), PIECE));
            NodeEvent outcome = cluster.events(client).await(NodeEvent.DownloadFinished.class,
                    f -> f.name().equals("film.bin"), WAIT);
            assertThat(Files.readAllBytes(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(data);
            assertThat(again.stats().get().bytesSent()).isEqualTo(SIZE - kept * PIECE);
            assertThat(sentBefore + again.stats().get().bytesSent() - SIZE).isLessThanOrEqualTo(2 * PIECE);
            assertThat(TestCluster.partials(folder)).isEmpty();
        }
    }

    @Test
    void aSwarmThatFailsBeforeItsFirstPieceKeepsNothingAndPromisesNoResume() throws Exception {
        byte[] data = shared("server");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once it is closed: every connect is refused
        }
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node client = cluster.start("client", b -> b);
            Path folder = TestCluster.folder(client);
            java.net.InetSocketAddress nobody = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), closed);
            client.post(new Command.FetchFrom("film.bin", SIZE, sha256(data), List.of(nobody), PIECE));
            NodeEvent failed = cluster.events(client).awaitOutcome("film.bin", WAIT);
            assertThat(failed).isInstanceOfSatisfying(NodeEvent.DownloadFailed.class,
                    f -> assertThat(f.reason()).doesNotContain("pieces kept").doesNotContain("resumes"));
            // the failure is reported once the file thread has deleted what was made
            assertThat(TestCluster.partials(folder)).isEmpty();
        }
    }

    @Test
    void cancelDeletesTheKeptPartialFileAndItsRecord() throws Exception {
        byte[] data = shared("server");
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = cluster.start("server", b -> b.maxUploadRate(3 << 20));
            Node client = cluster.start("client", b -> b);
            Path folder = TestCluster.folder(client);
            client.post(new Command.FetchFrom("film.bin", SIZE, sha256(data), List.of(server.transferAddress()), PIECE));
            cluster.events(client).await(NodeEvent.DownloadProgress.class, p -> p.received() >= SIZE / 4, WAIT);
            server.close();
            cluster.events(client).awaitOutcome("film.bin", WAIT);
            p2pnio.testkit.Poll.until(Duration.ofSeconds(10), "the partial file kept",
                    () -> TestCluster.partials(folder).size() == 2);
            client.post(new Command.Cancel("film.bin"));
            cluster.events(client).await(NodeEvent.Warning.class, w -> w.message().contains("kept for resume is deleted"),
                    WAIT);
            assertThat(TestCluster.partials(folder)).isEmpty();
        }
    }
    // ---- one source, asked by name (Command.Fetch): the common case, a swarm of one ----

    /** Pieces of a ranged download started by a request (Transfers.PIECE_BYTES). */
    private static final long BIG_PIECE = p2pnio.transfer.Transfers.PIECE_BYTES;
    /** Five pieces and a bit: at {@link #ONE_SOURCE_RATE} about three seconds. */
    private static final int ONE_SOURCE_SIZE = 5 * (int) BIG_PIECE + 11;
    private static final long ONE_SOURCE_RATE = 8L << 20;

    /** The one node that holds {@code solo.bin}, started on its folder, once it has hashed it. */
    private Node holder(TestCluster cluster, String sha, java.util.function.UnaryOperator<NodeConfig.Builder> tune)
            throws Exception {
        Node server = cluster.start("solo", tune);
        p2pnio.testkit.Poll.until(WAIT, "the server hashed solo.bin", () -> server.files().get().stream()
                .anyMatch(f -> sha.equals(f.sha256())));
        return server;
    }

    private String soloFile() throws Exception {
        return TestFiles.sha256(TestFiles.random(Files.createDirectories(tmp.resolve("solo")).resolve("solo.bin"),
                ONE_SOURCE_SIZE, 31));
    }

    @Test
    void aFetchFromItsOnlySourceStoppedAtHalfIsKeptAndResumedWhenThatSourceIsBack() throws Exception {
        String sha = soloFile();
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = holder(cluster, sha, b -> b.maxUploadRate(ONE_SOURCE_RATE));
            Node client = cluster.start("client", b -> b.addPeer(server.address()));
            Path folder = TestCluster.folder(client);
            client.post(new Command.Fetch("solo.bin"));
            cluster.events(client).await(NodeEvent.DownloadProgress.class, p -> p.received() >= ONE_SOURCE_SIZE / 2, WAIT);
            long sentBefore = server.stats().get().bytesSent();
            server.close(); // the peer is gone

            NodeEvent failed = cluster.events(client).awaitOutcome("solo.bin", WAIT);
            assertThat(failed).isInstanceOfSatisfying(NodeEvent.DownloadFailed.class,
                    f -> assertThat(f.reason()).contains("pieces kept"));
            p2pnio.testkit.Poll.until(Duration.ofSeconds(10), "the partial file kept",
                    () -> TestCluster.partials(folder).size() == 2 && "1".equals(recordField(folder, "end")));
            assertThat(recordField(folder, "sha256")).isEqualTo(sha);
            int kept = piecesIn(recordField(folder, "done"));
            assertThat(kept).isGreaterThanOrEqualTo(2);

            Node again = holder(cluster, sha, b -> b); // the same folder, new ports
            client.post(new Command.AddPeer(again.address()));
            p2pnio.testkit.Poll.until(WAIT, "the client knows the new server as one of ours", () -> client.peers().get()
                    .stream().anyMatch(p -> p.protocol().startsWith("p2pnio/") && p.address().equals(again.address())));
            client.post(new Command.Fetch("solo.bin"));
            NodeEvent outcome = cluster.events(client).await(NodeEvent.DownloadFinished.class,
                    f -> f.name().equals("solo.bin"), WAIT);
            assertThat(TestFiles.sha256(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(sha);
            assertThat(again.stats().get().bytesSent()).as("sent after the restart: only the missing pieces")
                    .isEqualTo(ONE_SOURCE_SIZE - kept * BIG_PIECE);
            assertThat(sentBefore + again.stats().get().bytesSent() - ONE_SOURCE_SIZE).as("bytes sent twice")
                    .isLessThanOrEqualTo(BIG_PIECE);
            assertThat(TestCluster.partials(folder)).isEmpty();
        }
    }

    @Test
    void aFetchFromOneSourceWhoseNodeIsStoppedAtHalfResumesAfterARestart() throws Exception {
        String sha = soloFile();
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = holder(cluster, sha, b -> b.maxUploadRate(ONE_SOURCE_RATE));
            Node first = cluster.start("client", b -> b.addPeer(server.address()));
            Path folder = TestCluster.folder(first);
            first.post(new Command.Fetch("solo.bin"));
            cluster.events(first).await(NodeEvent.DownloadProgress.class, p -> p.received() >= ONE_SOURCE_SIZE / 2, WAIT);
            first.close(); // as SIGTERM does
            assertThat(cluster.events(first).all(NodeEvent.DownloadFailed.class)).singleElement()
                    .satisfies(f -> assertThat(f.reason()).contains("pieces kept"));
            assertThat(recordField(folder, "sha256")).isEqualTo(sha);
            int kept = piecesIn(recordField(folder, "done"));
            // the server sends until it sees the connection gone: count its bytes once its upload ended
            cluster.events(server).await(NodeEvent.UploadFailed.class, u -> u.name().equals("solo.bin"), WAIT);
            long sentBefore = server.stats().get().bytesSent();

            Node second = cluster.start("client", b -> b.addPeer(server.address()));
            second.post(new Command.Fetch("solo.bin"));
            NodeEvent outcome = cluster.events(second).awaitOutcome("solo.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(TestFiles.sha256(((NodeEvent.DownloadFinished) outcome).file())).isEqualTo(sha);
            assertThat(cluster.events(second).all(NodeEvent.DownloadProgress.class)).first()
                    .satisfies(p -> assertThat(p.received()).isEqualTo(kept * BIG_PIECE));
            assertThat(server.stats().get().bytesSent() - sentBefore).as("sent after the restart: only the missing pieces")
                    .isEqualTo(ONE_SOURCE_SIZE - kept * BIG_PIECE);
            assertThat(server.stats().get().bytesSent() - ONE_SOURCE_SIZE).as("bytes sent twice")
                    .isLessThanOrEqualTo(BIG_PIECE);
            assertThat(TestCluster.partials(folder)).isEmpty();
        }
    }
}
