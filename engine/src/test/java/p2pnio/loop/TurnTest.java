package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One turn of the loop as a unit: the test thread is the loop thread, and the test moves the clock. */
class TurnTest {

    private final AtomicLong time = new AtomicLong(1_000);
    private final AtomicLong clockReads = new AtomicLong();
    private final List<String> seen = new ArrayList<>();
    private final EventLoop loop;
    private DatagramChannel udp;

    TurnTest() throws IOException {
        loop = new EventLoop(64, () -> {
            clockReads.incrementAndGet();
            return time.get();
        });
    }

    @AfterEach
    void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
    }

    /** A UDP socket on the loop whose handler reads one datagram and notes the loop's time. */
    private InetSocketAddress udpEndpoint() throws IOException {
        udp = DatagramChannel.open();
        udp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.configureBlocking(false);
        loop.register(udp, SelectionKey.OP_READ, new Handler() {
            @Override
            public void onReady(SelectionKey key) throws IOException {
                udp.receive(ByteBuffer.allocate(64));
                seen.add("handler at " + loop.now());
            }

            @Override
            public void onFailure(Exception cause) {
                seen.add("failure " + cause);
            }
        });
        return (InetSocketAddress) udp.getLocalAddress();
    }

    private static void send(InetSocketAddress to) throws IOException {
        try (DatagramChannel peer = DatagramChannel.open()) {
            peer.send(ByteBuffer.wrap(new byte[] {1}), to);
        }
    }

    @Test
    void aTurnThatMayNotBlockReturnsAtOnceHavingDoneNothing() throws IOException {
        udpEndpoint();
        loop.runOnce(false); // the first turn claims the thread and registers nothing new
        Turn turn = loop.runOnce(false);
        assertThat(turn.selected()).isZero();
        assertThat(turn.handled() + turn.tasks() + turn.timers()).isZero();
        assertThat(turn.whatRan()).isEqualTo("nothing");
    }

    @Test
    void theWorkAfterTheHandlersIsNamedInWhatRanWhenItHadSomethingToDo() throws IOException {
        List<String> left = new ArrayList<>(List.of("one slice"));
        loop.runOnce(false); // claims the thread
        loop.afterHandlers(new EventLoop.Work() {
            @Override
            public void run() {
                left.clear();
            }

            @Override
            public boolean hasMore() {
                return !left.isEmpty();
            }

            @Override
            public String toString() {
                return "send round";
            }
        });

        assertThat(loop.runOnce(false).whatRan()).isEqualTo("send round");
        assertThat(loop.runOnce(false).whatRan()).as("nothing left to do: not named").isEqualTo("nothing");
    }

    @Test
    void aTurnRunsReadyHandlersThenTasksThenDueTimersAndSaysSo() throws IOException {
        InetSocketAddress at = udpEndpoint();
        loop.timers().at(1_000, "due timer", () -> seen.add("timer at " + loop.now()));
        loop.timers().at(5_000, "later timer", () -> seen.add("later"));
        loop.execute(new Runnable() {
            @Override
            public void run() {
                seen.add("task at " + loop.now());
            }

            @Override
            public String toString() {
                return "the task";
            }
        });
        send(at);
        long deadline = System.nanoTime() + 5_000_000_000L;
        Turn turn;
        do {
            turn = loop.runOnce(false); // the datagram may take a moment to be reported ready
        } while (turn.handled() == 0 && System.nanoTime() < deadline);
        assertThat(turn.selected()).isEqualTo(1);
        assertThat(turn.handled()).isEqualTo(1);
        assertThat(seen).containsExactly("handler at 1000", "task at 1000", "timer at 1000");
        assertThat(turn.whatRan()).contains("the task").contains("due timer");
        assertThat(turn.now()).isEqualTo(1_000);
        assertThat(loop.stats().turns).isEqualTo(turn.number());
    }

    @Test
    void everyHandlerTaskAndTimerOfATurnSeesTheOneTimeReadWhenSelectReturned() throws IOException {
        InetSocketAddress at = udpEndpoint();
        loop.runOnce(false);
        send(at);
        loop.execute(() -> seen.add("task at " + loop.now()));
        loop.timers().at(0, "due", () -> seen.add("timer at " + loop.now()));
        time.set(7_000);
        long readsBefore = clockReads.get();
        Turn turn = loop.runOnce(false);
        time.set(9_000); // a later reading would see this
        assertThat(clockReads.get() - readsBefore).as("clock reads in a turn that may not block").isEqualTo(1);
        assertThat(turn.now()).isEqualTo(7_000);
        assertThat(seen).allMatch(s -> s.endsWith("at 7000")).contains("task at 7000", "timer at 7000");
    }

    @Test
    void aTimerComesDueOnlyWhenTheClockReachesItsDeadline() throws IOException {
        loop.runOnce(false);
        loop.schedule(500, "half a microsecond", () -> seen.add("fired at " + loop.now()));
        time.addAndGet(499);
        assertThat(loop.runOnce(false).timers()).isZero();
        time.addAndGet(1);
        assertThat(loop.runOnce(false).timers()).isEqualTo(1);
        assertThat(seen).containsExactly("fired at 1500");
    }

    @Test
    void aTurnThatMayBlockWaitsForTheNextTimerOnTheRealClock() throws IOException {
        EventLoop real = new EventLoop(64);
        long t0 = System.nanoTime();
        real.runOnce(false); // its time, read after t0, is what schedule counts from
        real.schedule(30_000_000, "in 30 ms", () -> { });
        Turn turn = real.runOnce(true);
        while (turn.timers() == 0) {
            turn = real.runOnce(true); // select may return a little early on some kernels: the next turn waits the rest
        }
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(30_000_000);
        assertThat(turn.selectNanos()).isPositive();
    }

    @Test
    void aThrowingTimerIsCountedAndReportedAndTheOthersOfItsTurnRun() throws IOException {
        loop.onFailure((what, e) -> seen.add(what + " failed: " + e.getMessage()));
        loop.timers().at(1_000, "first", () -> seen.add("first"));
        loop.timers().at(1_000, "breaks", () -> {
            throw new IllegalStateException("bug");
        });
        loop.timers().at(1_000, "last", () -> seen.add("last"));
        Turn turn = loop.runOnce(false);
        assertThat(turn.timers()).isEqualTo(3);
        assertThat(seen).containsExactly("first", "timer 'breaks' failed: bug", "last");
        assertThat(loop.stats().timerFailures).isEqualTo(1);
        assertThat(loop.stats().timersFired).isEqualTo(3);
    }

    @Test
    void tasksStillQueuedWhenTheLoopStopsAreRejectedEachToldWhyAndCounted() throws IOException {
        loop.execute(new Task("first", () -> seen.add("ran first"), why -> seen.add("first rejected: " + why)));
        loop.execute(new Task("second", () -> seen.add("ran second"), why -> seen.add("second rejected: " + why)));
        loop.execute(() -> seen.add("ran a plain task"));
        loop.stop();
        loop.run(() -> seen.add("clean-up"));
        assertThat(seen).containsExactly("clean-up", "first rejected: the loop stopped before running it",
                "second rejected: the loop stopped before running it");
        assertThat(loop.stats().tasksRejected).as("the three and the stop request").isEqualTo(4);
        assertThat(loop.execute(() -> { })).as("posting after the stop").isFalse();
        loop.executeAlways(new Task("late", () -> { }, why -> seen.add("late rejected")));
        assertThat(seen).endsWith("late rejected");
        assertThat(loop.stats().tasksRejected).isEqualTo(5);
    }

    @Test
    void onlyTheThreadThatRanTheFirstTurnMayRunTheNext() throws Exception {
        loop.runOnce(false);
        Thread other = new Thread(() -> {
            try {
                loop.runOnce(false);
                seen.add("ran");
            } catch (IllegalStateException | IOException e) {
                seen.add("refused: " + e.getMessage());
            }
        }, "not-the-loop");
        other.start();
        other.join();
        assertThat(seen).singleElement().asString().startsWith("refused: the loop runs on");
    }

    @Test
    void aTurnRunsAtMostTasksPerTurnTasksAndTheNextTurnDoesNotWaitWhileAnyAreLeft() throws IOException {
        loop.runOnce(false); // claims the thread
        loop.tasksPerTurn(3);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int n = i;
            loop.execute(() -> ran.add(n));
        }
        List<Integer> perTurn = new ArrayList<>();
        long oneSecond = 1_000_000_000L;
        perTurn.add(loop.runOnce(oneSecond).tasks());
        long sleepsBefore = loop.stats().sleeps;
        for (int i = 0; i < 2; i++) {
            perTurn.add(loop.runOnce(oneSecond).tasks()); // may wait in select: it must not, while tasks are left
        }
        assertThat(perTurn).containsExactly(3, 3, 1);
        assertThat(ran).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(loop.stats().sleeps).as("no turn waited in select while tasks were left").isEqualTo(sleepsBefore);
    }

    @Test
    void everyWorkAfterTheHandlersRunsEachTurnInTheOrderAdded() throws IOException {
        loop.runOnce(false); // claims the thread
        for (String name : List.of("download starts", "send round")) {
            loop.afterHandlers(new EventLoop.Work() {
                @Override
                public void run() {
                    seen.add(name);
                }
            });
        }
        loop.runOnce(false);
        assertThat(seen).containsExactly("download starts", "send round");
    }

    @Test
    void aTurnSaysHowMuchOfItsWorkTheLoopThreadWasOnTheCpuWhenAskedTo() throws IOException {
        assertThat(loop.runOnce(false).cpuNanos()).as("not measured unless asked for").isEqualTo(-1); // claims the thread
        assertThat(LoopStats.onCpu(loop.runOnce(false))).isEmpty();
        loop.measureCpu(true);
        loop.execute(() -> {
            try {
                Thread.sleep(200); // off the CPU: as a thread waiting for a core, or stopped by the collector
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Turn turn = loop.runOnce(false);
        assertThat(turn.workNanos()).isGreaterThanOrEqualTo(200_000_000L);
        assertThat(turn.cpuNanos()).as("sleeping takes no CPU").isBetween(0L, 100_000_000L);
        assertThat(LoopStats.onCpu(turn)).matches(" \\[on the CPU \\d+\\.\\d of 2\\d\\d\\.\\d ms; off it \\d+\\.\\d ms: .*\\]");
        assertThat(loop.stats().longestTurn).contains(" [on the CPU ");
    }
}
