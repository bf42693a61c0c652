package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The turns over 5 ms, counted by what kept each one long when the loop measures its turns: its own
 * work on the CPU, waiting for a CPU, or blocked. The test thread is the loop thread.
 */
class SlowTurnsTest {

    private final EventLoop loop;

    SlowTurnsTest() throws IOException {
        loop = new EventLoop(64, null);
    }

    /** The test's thread becomes the loop's (its first turn claims it), measuring its turns. */
    private void measuring() throws IOException {
        loop.runOnce(false);
        loop.measureCpu(true);
    }

    @Test
    void aTurnThatSleepsIsSlowBecauseBlocked() throws IOException {
        measuring();
        loop.execute(() -> sleep(30));
        Turn turn = loop.runOnce(false);
        assertThat(loop.stats().slowTurns).isEqualTo(1);
        assumeTrue(turn.runQueueNanos() >= 0, "the kernel tells no run-queue wait here");
        assertThat(loop.stats().slowBlocked).isEqualTo(1);
        assertThat(loop.stats().slowTurnSamples).singleElement().asString()
                .matches("\\d+\\.\\d ms: on the CPU \\d+\\.\\d, waiting for a CPU \\d+\\.\\d, blocked \\d+\\.\\d ms: .*");
    }

    @Test
    void aTurnThatComputesMoreThan5MsIsSlowOnTheCpu() throws IOException {
        measuring();
        loop.execute(() -> spinCpu(30_000_000L));
        Turn turn = loop.runOnce(false);
        assertThat(turn.cpuNanos()).isGreaterThan(LoopStats.SLOW_TURN_NANOS);
        assertThat(loop.stats().slowTurns).isEqualTo(1);
        assertThat(loop.stats().slowOnCpu).isEqualTo(1);
        assertThat(loop.stats().slowBlocked + loop.stats().slowWaitingForCpu).isZero();
    }

    @Test
    void shortTurnsAreNotSlowAndANewWindowForgetsTheSlowOnes() throws IOException {
        measuring();
        loop.runOnce(false);
        assertThat(loop.stats().slowTurns).isZero();
        loop.execute(() -> sleep(10));
        loop.runOnce(false);
        assertThat(loop.stats().slowTurns).isEqualTo(1);
        loop.stats().restartTurnWindow();
        assertThat(loop.stats().slowTurns).isZero();
        assertThat(loop.stats().slowTurnSamples).isEmpty();
        assertThat(loop.stats().slowOnCpu + loop.stats().slowBlocked + loop.stats().slowWaitingForCpu).isZero();
    }

    /**
     * With four busy threads per CPU beside it, the loop thread spends most of a 60 ms turn runnable
     * but waiting for a CPU: the turn's run-queue time is then several times its CPU time (it would
     * be about equal if the clock read the thread's CPU time instead).
     */
    @Test
    void theRunQueueClockCountsTheTimeTheLoopWaitedForACpu() throws Exception {
        measuring();
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/schedstat")), "Linux with schedstats only");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors(); i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }, "busy " + i);
            t.setDaemon(true);
            t.start();
            busy.add(t);
        }
        try {
            sleep(50); // every busy thread running
            loop.execute(() -> spinWall(60_000_000L));
            Turn turn = loop.runOnce(false);
            assertThat(turn.runQueueNanos()).as("waited for a CPU, against %d ns on it", turn.cpuNanos())
                    .isGreaterThan(turn.cpuNanos() * 3 / 2);
            assertThat(turn.runQueueNanos() + turn.cpuNanos()).isLessThanOrEqualTo(turn.workNanos() + 1_000_000L);
        } finally {
            stop.set(true);
            for (Thread t : busy) {
                t.join();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void spinCpu(long nanos) {
        var threads = ManagementFactory.getThreadMXBean();
        long end = threads.getCurrentThreadCpuTime() + nanos;
        while (threads.getCurrentThreadCpuTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void spinWall(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
