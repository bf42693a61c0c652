package p2pnio.cli.out;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import p2pnio.NodeEvent;

/** The progress a person sees, from the events alone, on a clock the test moves. */
class DownloadsTest {

    private static final long MIB = 1024 * 1024;

    private final AtomicLong clock = new AtomicLong();
    private final Downloads downloads = new Downloads(clock::get);

    private void after(long millis) {
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void beforeItsFirstByteADownloadSaysWhatItWaitsForAndSinceWhen() {
        downloads.started("big.bin");
        assertThat(downloads.progressLines()).containsExactly("  big.bin: waiting for an answer (0 s)");

        downloads.on(new NodeEvent.RequestSent("big.bin", 3, 1));
        after(2_000);
        assertThat(downloads.progressLines()).containsExactly("  big.bin: asked 3 peers, waiting for an answer (2 s)");

        downloads.on(new NodeEvent.RequestSent("big.bin", 1, 2));
        assertThat(downloads.progressLines()).containsExactly("  big.bin: asked again (try 2), 1 peer, waiting for an answer (2 s)");

        downloads.on(new NodeEvent.RequestAnswered("big.bin", "127.0.0.1:1379", 40311));
        after(10_000);
        assertThat(downloads.progressLines()).containsExactly("  big.bin: 127.0.0.1:1379 has it, connecting (12 s)");
    }

    @Test
    void thenItShowsBytesPercentageTheRecentRateAndTheEta() {
        downloads.started("big.bin");
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "127.0.0.1:1379", 100 * MIB));
        for (int i = 1; i <= 12; i++) {
            after(250);
            downloads.on(new NodeEvent.DownloadProgress("big.bin", i * 2 * MIB, 100 * MIB, i * 250_000_000L));
        }

        assertThat(downloads.progressLines()).containsExactly(
                "  big.bin [#####...............]  24%  24.0 MiB / 100.0 MiB  8.0 MiB/s  ETA 9.50 s  from 127.0.0.1:1379");
    }

    @Test
    void theRateFollowsAStallInsteadOfAveragingItAway() {
        downloads.started("big.bin");
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "127.0.0.1:1379", 100 * MIB));
        after(1_000);
        downloads.on(new NodeEvent.DownloadProgress("big.bin", 50 * MIB, 100 * MIB, 1_000_000_000L));

        after(5_000);

        assertThat(downloads.progressLines().get(0)).contains("50%", "0 B/s", "stalled");
    }

    @Test
    void severalSourcesOfOneDownloadShowTheirSumAndCount() {
        downloads.started("big.bin");
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "127.0.0.1:1379", 10 * MIB));
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "127.0.0.1:1380", 10 * MIB));
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "127.0.0.1:1381", 10 * MIB));
        after(1_000);
        downloads.on(new NodeEvent.DownloadProgress("big.bin", 6 * MIB, 10 * MIB, 1_000_000_000L));

        assertThat(downloads.progressLines().get(0)).contains("60%  6.0 MiB / 10.0 MiB", "from 3 peers");
    }

    @Test
    void oneDownloadFromSeveralSourcesShowsTheSumAndHowManyPeers() {
        downloads.started("big.bin");
        downloads.on(new NodeEvent.DownloadStarted("big.bin", "3 sources", 12 * MIB, 3));
        after(1_000);
        downloads.on(new NodeEvent.DownloadProgress("big.bin", 9 * MIB, 12 * MIB, 1_000_000_000L));

        assertThat(downloads.progressLines().get(0)).contains("75%  9.0 MiB / 12.0 MiB", "from 3 peers");
    }

    @Test
    void aFinishedOrFailedDownloadLeavesTheLinesAndFailuresAreCounted() throws Exception {
        downloads.started("a");
        downloads.started("b");
        downloads.on(new NodeEvent.DownloadStarted("a", "p:1", 1));

        assertThat(downloads.on(new NodeEvent.DownloadFinished("a", "p:1", 1, 1, Path.of("a")))).isTrue();
        assertThat(downloads.on(new NodeEvent.DownloadFailed("b", "no peer answered"))).isTrue();
        assertThat(downloads.on(new NodeEvent.DownloadFailed("not-ours", "x"))).isFalse();

        assertThat(downloads.progressLines()).isEmpty();
        assertThat(downloads.failed()).isEqualTo(1);
        assertThat(downloads.awaitAll(0)).isTrue();
    }
}
