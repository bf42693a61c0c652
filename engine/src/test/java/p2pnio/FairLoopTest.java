package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.wire.TransferHeader;

/**
 * The loop's send round over real loopback sockets: uploads share each turn's byte budget round
 * robin, so a small download asked for in the middle of large ones is served within a few turns,
 * and a new request gets its header in the turn that reads it, however busy the loop is.
 */
class FairLoopTest {

    private static final int SLICE = 64 * 1024;

    @TempDir
    Path tmp;

    private static NodeStats stats(Node node) throws Exception {
        return node.stats().get(10, TimeUnit.SECONDS);
    }

    /**
     * One slice per turn: six large uploads, always writable (their clients read as fast as they
     * can), take turns with a small one asked for after them. With each turn's budget one slice,
     * the small one's eight slices need about eight rounds of the seven uploads, where the large
     * ones need 4,096 slices each: the small one ends long before them. A round that served
     * uploads in any order but its own (the selector's, or always the same ones first) would let
     * the large ones go on and on without it.
     */
    @Test
    void aSmallDownloadIsNotStarvedByLargeOnesInTheSameTurns() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node node = cluster.start("node", b -> b.sendChunkBytes(SLICE).sendBytesPerTurn(SLICE));
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(
                    TestCluster.folder(node).resolve("large.bin").toFile(), "rw")) {
                f.setLength(4096L * SLICE); // 256 MiB, sparse: costs no disk
            }
            byte[] small = RateLimitTest.pattern(8 * SLICE, 8);
            Files.write(TestCluster.folder(node).resolve("small.bin"), small);
            List<RawDownload> big = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                big.add(new RawDownload(node.transferAddress(), "large.bin", Long.MAX_VALUE, false));
            }
            for (RawDownload b : big) {
                Poll.until(Duration.ofSeconds(20), b::bodyBytes, n -> n >= 1 << 20);
            }
            long turnsBefore = stats(node).loopTurns();
            RawDownload.Result s = new RawDownload(node.transferAddress(), "small.bin").result().get(30, TimeUnit.SECONDS);
            long turns = stats(node).loopTurns() - turnsBefore;
            assertThat(s.header()).isEqualTo(TransferHeader.encode(small.length, "small.bin"));
            assertThat(s.body()).isEqualTo(small);
            System.out.printf("small download served in %d turns next to 6 large ones%n", turns);
            for (RawDownload b : big) {
                assertThat(b.result()).as("a large download still runs").isNotDone();
            }
        }
    }
}
