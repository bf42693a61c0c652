package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;
import p2pnio.wire.TransferHeader;

/**
 * The upload and download rate limits over real loopback sockets, in real time: how exact they
 * are, that connections sharing a limit share it fairly, and that a reference-style peer sees the
 * same bytes through them. (The same limits on a moved clock, and their live change, are in
 * {@code RateLimitClockTest}.)
 */
class RateLimitTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** A file of {@code size} bytes of a fixed pseudo-random pattern, cheap to write. */
    static byte[] pattern(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static List<NodeEvent.TransferInfo> transfers(Node node) {
        try {
            return node.transfers().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no transfers from the node", e);
        }
    }

    private static NodeEvent.TransferInfo download(Node node, String name) {
        return transfers(node).stream().filter(t -> t.direction().equals("download") && t.name().equals(name)
                && t.bytes() > 0 && t.state().matches("READ_BODY|THROTTLED")).findFirst().orElse(null);
    }

    /**
     * The one real-time accuracy test: both directions at once, each measured over ten seconds, each
     * within 5 % of its limit (the bucket's starting burst, a tenth of a second's worth, is 1 % of it).
     */
    @Test
    void uploadAndDownloadLimitsHoldWithinFivePercentOverTenSeconds() throws Exception {
        long up = 3 * MIB;
        long down = 2 * MIB;
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node uploader = cluster.start("uploader", b -> b.maxUploadRate(up));
            Files.write(TestCluster.folder(uploader).resolve("up.bin"), pattern((int) (40 * MIB), 1));
            Node server = cluster.start("server", b -> b);
            Files.write(TestCluster.folder(server).resolve("down.bin"), pattern((int) (30 * MIB), 2));
            Node downloader = cluster.start("downloader", b -> b.maxDownloadRate(down).addPeer(server.address()));

            RawDownload client = new RawDownload(uploader.transferAddress(), "up.bin", TimeUnit.SECONDS.toNanos(10), true);
            downloader.post(new Command.Fetch("down.bin"));
            NodeEvent.TransferInfo first = Poll.until(Duration.ofSeconds(20), () -> download(downloader, "down.bin"),
                    t -> t != null);
            long measureUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Poll.until(Duration.ofSeconds(20), System::nanoTime, now -> now >= measureUntil);
            NodeEvent.TransferInfo last = download(downloader, "down.bin");

            RawDownload.Result sent = client.result().get(30, TimeUnit.SECONDS);
            double downRate = (last.bytes() - first.bytes()) * 1e9 / (last.elapsedNanos() - first.elapsedNanos());
            System.out.printf("upload limit %d B/s: %.0f B/s over %.2f s; download limit %d B/s: %.0f B/s over %.2f s%n",
                    up, sent.bytesPerSecond(), (sent.lastByteNanos() - sent.firstByteNanos()) / 1e9,
                    down, downRate, (last.elapsedNanos() - first.elapsedNanos()) / 1e9);
            assertThat(sent.lastByteNanos() - sent.firstByteNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(10));
            assertThat(sent.bytesPerSecond()).isCloseTo(up, within(up * 0.05));
            assertThat(last.elapsedNanos() - first.elapsedNanos()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(9));
            assertThat(downRate).isCloseTo(down, within(down * 0.05));
            assertThat(sent.body()).isEqualTo(java.util.Arrays.copyOf(pattern((int) (40 * MIB), 1), sent.body().length));
        }
    }

    @Test
    void aSmallDownloadGetsItsShareOfTheUploadLimitNextToLargeOnes() throws Exception {
        long limit = 4 * MIB;
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.maxUploadRate(limit));
            Files.write(TestCluster.folder(node).resolve("large.bin"), pattern((int) (16 * MIB), 3));
            byte[] small = pattern(256 * 1024, 4);
            Files.write(TestCluster.folder(node).resolve("small.bin"), small);
            List<RawDownload> large = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                large.add(new RawDownload(node.transferAddress(), "large.bin"));
            }
            for (RawDownload l : large) {
                Poll.until(Duration.ofSeconds(20), l::bodyBytes, n -> n > 0);
            }
            RawDownload.Result s = new RawDownload(node.transferAddress(), "small.bin").result().get(30, TimeUnit.SECONDS);
            assertThat(s.body()).isEqualTo(small);
            // Five connections share 4 MiB/s: the small one's fair share is 0.8 MiB/s. Asked after the
            // others, it still gets at least half of that, and finishes while they are far from done.
            System.out.printf("small download next to 4 large ones under %d B/s: %.0f B/s%n", limit, s.bytesPerSecond());
            assertThat(s.bytesPerSecond()).isGreaterThan(limit / 5.0 / 2);
            for (RawDownload l : large) {
                assertThat(l.result()).isNotDone();
                assertThat(l.bodyBytes()).isLessThan(8 * MIB);
            }
        }
    }

    @Test
    void referenceStylePeersGetTheSameBytesThroughTheLimitsAndTheSendRound() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        byte[] fromRef = pattern(700_001, 5);
        Files.write(refFolder.resolve("from-ref.bin"), fromRef);
        // The reference peer's rounds as often as our nodes' (200 ms): a silent peer would be suspect, then down, and not asked.
        try (ReferencePeer ref = new ReferencePeer(refFolder, 0, Duration.ofMillis(200), List.of());
             TestCluster cluster = new TestCluster(tmp)) {
            // Throttled both ways, a send round of one slice per turn, and other uploads in the same turns.
            Node ours = cluster.start("ours", b -> b.addPeer(ref.address()).maxUploadRate(8 * MIB)
                    .maxDownloadRate(4 * MIB).sendChunkBytes(64 * 1024).sendBytesPerTurn(64 * 1024));
            byte[] data = pattern(1_000_003, 6);
            Files.write(TestCluster.folder(ours).resolve("from-ours.bin"), data);
            List<RawDownload> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                others.add(new RawDownload(ours.transferAddress(), "from-ours.bin"));
            }
            Path saved = ref.fetchFrom(ours.address(), "from-ours.bin", Duration.ofSeconds(20));
            assertThat(Files.readAllBytes(saved)).isEqualTo(data);
            for (RawDownload o : others) {
                RawDownload.Result r = o.result().get(20, TimeUnit.SECONDS);
                assertThat(r.header()).isEqualTo(TransferHeader.encode(data.length, "from-ours.bin"));
                assertThat(r.body()).isEqualTo(data);
            }

            ours.post(new Command.Fetch("from-ref.bin"));
            assertThat(cluster.events(ours).awaitOutcome("from-ref.bin", Duration.ofSeconds(20)))
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(TestCluster.folder(ours).resolve("from-ref.bin"))).isEqualTo(fromRef);
        }
    }
}
