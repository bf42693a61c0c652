package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a slot flood costs a legitimate downloader: every upload slot of a node (512, the
 * default) held by idle connections until the node drops them at its request-line deadline. The
 * downloader is refused meanwhile, tries again with its backoff, and gets the file soon after the
 * deadline, well within its {@code waiting}; it does not give up on the busy peer. (The deadline
 * is 2 s here instead of 10 s to keep the suite short; SECURITY.md gives the figure with the
 * defaults, measured with {@link SlotFlood#main}.)
 */
class SlotFloodTest {

    @TempDir
    Path tmp;

    @Test
    void aDownloaderRefusedByAFloodedNodeGetsTheFileOnceTheFloodIsDroppedAtTheRequestDeadline() throws Exception {
        SlotFlood.Outcome outcome = SlotFlood.measure(tmp, 512, Duration.ofSeconds(2), Duration.ofSeconds(30), false);
        System.out.println("slot flood of 512 idle connections dropped after 2 s: the legitimate download " + outcome);
        assertThat(outcome.finished()).as(outcome.toString()).isTrue();
        assertThat(outcome.retries()).as("the flood refused it at first").isPositive();
    }
}
