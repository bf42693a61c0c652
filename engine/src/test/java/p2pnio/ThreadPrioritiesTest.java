package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's background threads (folder listing, files, hashing, verifying) run below its loop: with
 * {@code -XX:ThreadPriorityPolicy=1} the loop goes first when both want a CPU (README, "Loop turns
 * and thread priorities").
 */
class ThreadPrioritiesTest {

    @Test
    void theBackgroundThreadsRunAtMinimumPriorityAndTheLoopAtNormal(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve("x.bin"), new byte[300_000]);
        Recorder events = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), e -> { });
             Node nb = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(na.address()).build(), events)) {
            nb.post(new Command.Fetch("x.bin"));
            assertThat(events.awaitOutcome("x.bin", Duration.ofSeconds(20))).isInstanceOf(NodeEvent.DownloadFinished.class);
            // Every node's threads in this JVM (named by host and configured port: here ":0" for both).
            List<Thread> threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("p2p-")).toList();
            assertThat(threads).filteredOn(t -> t.getName().startsWith("p2p-loop ")).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(t -> assertThat(t.getPriority()).isEqualTo(Thread.NORM_PRIORITY));
            List<Thread> background = threads.stream().filter(t -> t.getName().matches("p2p-(background|files|hash|verify) .*"))
                    .toList();
            assertThat(background).extracting(t -> t.getName().split(" ")[0])
                    .as("a download made each node list its folder and the fetching one write and verify a file")
                    .contains("p2p-background", "p2p-files", "p2p-verify");
            assertThat(background).allSatisfy(t -> assertThat(t.getPriority()).as(t.getName()).isEqualTo(Thread.MIN_PRIORITY));
        }
    }
}
