package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.TestFiles;

/**
 * A file larger than 2 GiB (past every int offset) crosses intact. The source is sparse, so it
 * costs no disk; markers at 0, around 2 GiB and near the end catch any offset
 * arithmetic done in an int. The copy is written for real (3 GiB), so this test is tagged
 * {@code large}: {@code make test} leaves it out, {@code make large} (and {@code make ci-extra}) runs it.
 */
@Tag("large")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BigFileTest {

    private static final long SIZE = 3L << 30;

    @TempDir
    Path tmp;

    @Test
    void aThreeGibibyteSparseFileArrivesBitIdentical() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            Node b = cluster.start("b", x -> x.addPeer(a.address()).idleTimeout(Duration.ofSeconds(60)));
            Path source = TestCluster.folder(a).resolve("huge.img");
            try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
                f.setLength(SIZE);
                for (long at : new long[] {0, (1L << 31) - 8, 1L << 31, (1L << 31) + (1L << 30) - 40, SIZE - 16}) {
                    f.seek(at);
                    f.write(("mark@" + at).getBytes(StandardCharsets.US_ASCII)); // at most 15 bytes
                }
            }
            b.post(new Command.Fetch("huge.img"));
            NodeEvent outcome = cluster.events(b).awaitOutcome("huge.img", Duration.ofSeconds(240));
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            NodeEvent.DownloadFinished done = (NodeEvent.DownloadFinished) outcome;
            System.out.printf("3 GiB over loopback: %.0f MB/s%n", done.bytesPerSecond() / 1e6);
            Path copy = TestCluster.folder(b).resolve("huge.img");
            assertThat(Files.size(copy)).isEqualTo(SIZE);
            assertThat(TestFiles.sha256(copy)).isEqualTo(TestFiles.sha256(source));
            Files.delete(copy);
        }
    }
}
