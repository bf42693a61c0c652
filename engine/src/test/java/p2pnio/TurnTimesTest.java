package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every turn's duration goes into a histogram; the node reports its percentiles and names its longest turn. */
class TurnTimesTest {

    @Test
    void statsGiveTurnPercentilesAndNameWhatRanInTheLongestTurn(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve("x.bin"), new byte[500_000]);
        Recorder events = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), e -> { });
             Node nb = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(na.address()).measureTurnCpu(true).build(),
                     events)) {
            nb.post(new Command.Fetch("x.bin"));
            assertThat(events.awaitOutcome("x.bin", Duration.ofSeconds(20))).isInstanceOf(NodeEvent.DownloadFinished.class);
            // A turn that is slow on purpose: a question that keeps the loop busy for 300 ms.
            nb.query("that takes 300 ms", core -> {
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            // A query may run in that very turn, before its end is recorded: ask until a later turn answers.
            NodeStats s = nb.stats().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 100 && s.longestTurnNanos() < 300_000_000L; i++) {
                s = nb.stats().get(10, TimeUnit.SECONDS);
            }
            assertThat(s.turnP50Nanos()).isPositive().isLessThanOrEqualTo(s.turnP99Nanos());
            assertThat(s.turnP99Nanos()).isLessThanOrEqualTo(s.turnP999Nanos());
            assertThat(s.turnP999Nanos()).isLessThanOrEqualTo(s.longestTurnNanos());
            assertThat(s.longestTurnNanos()).isGreaterThanOrEqualTo(300_000_000L);
            assertThat(s.longestTurn()).contains("query that takes 300 ms");
            assertThat(s.longestTurn()).as("and how much of it was on the CPU").containsPattern("\\[on the CPU \\d+\\.\\d of \\d+\\.\\d ms; off it ");
            assertThat(s.turnP50Nanos()).as("the median turn is not the slow one").isLessThan(300_000_000L);
            // Asked for (measureTurnCpu): the CPU time of each turn's work, in its own histogram, and what the loop allocated.
            assertThat(s.turnCpuP50Nanos()).isNotNegative().isLessThanOrEqualTo(s.turnCpuP99Nanos());
            assertThat(s.turnCpuP99Nanos()).isLessThanOrEqualTo(s.turnCpuP999Nanos());
            assertThat(s.turnCpuP999Nanos()).as("never more than the slowest turn's wall-clock time (+ a bucket's 12.5 %%)")
                    .isLessThanOrEqualTo(s.longestTurnNanos() * 9 / 8);
            assertThat(s.turnAllocatedBytes()).as("the query's lambda and the stats it built").isPositive();
            assertThat(s.longestCpuTurnNanos()).as("the most CPU one turn used").isGreaterThanOrEqualTo(s.turnCpuP999Nanos() * 8 / 9)
                    .isLessThanOrEqualTo(s.longestTurnNanos());
            assertThat(s.longestCpuTurn()).as("named with its CPU share").contains("[on the CPU ");
            // The turns over 5 ms, counted by what kept them long; the 300 ms query is one of them, named.
            assertThat(s.slowTurns().get("total")).isPositive();
            assertThat(s.slowTurns().get("onCpu") + s.slowTurns().get("waitingForCpu") + s.slowTurns().get("blocked"))
                    .as("every slow turn measured has one cause").isEqualTo(s.slowTurns().get("total"));
            assertThat(s.slowTurnSamples()).anySatisfy(t -> assertThat(t).contains("query that takes 300 ms"));
            NodeStats notAsked = na.stats().get(10, TimeUnit.SECONDS);
            assertThat(notAsked.turnCpuP50Nanos()).as("not asked for: not measured").isEqualTo(-1);
            assertThat(notAsked.turnCpuP999Nanos()).isEqualTo(-1);
            assertThat(notAsked.turnAllocatedBytes()).isEqualTo(-1);
            assertThat(notAsked.longestCpuTurnNanos()).isEqualTo(-1);
            assertThat(notAsked.longestTurn()).doesNotContain("on the CPU");

            NodeStats before = nb.statsRestartingTurns().get(10, TimeUnit.SECONDS);
            NodeStats after = nb.stats().get(10, TimeUnit.SECONDS);
            assertThat(before.longestTurn()).as("the reading that restarts the window still has the slow turn")
                    .contains("query that takes 300 ms");
            assertThat(after.longestTurn()).as("a new turn window: the slow turn is gone")
                    .doesNotContain("query that takes 300 ms");
            assertThat(after.turnP999Nanos()).isLessThanOrEqualTo(after.longestTurnNanos());
            // (both readings may run in one turn: the loop drains its queue, so the count of turns may not move)
            assertThat(after.handlerNanos()).as("the other counters keep counting since the start")
                    .isGreaterThanOrEqualTo(300_000_000L);
        }
    }
}
