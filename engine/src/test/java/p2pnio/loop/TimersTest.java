package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timers are tested on a clock the test moves by hand: no sleeping. */
class TimersTest {

    private final Timers timers = new Timers();
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsDueTimersInDeadlineOrderAndNothingEarly() {
        timers.at(300, "c", () -> ran.add("c"));
        timers.at(100, "a", () -> ran.add("a"));
        timers.at(200, "b", () -> ran.add("b"));
        assertThat(timers.nanosUntilNext(0)).isEqualTo(100);
        assertThat(timers.runDue(99)).isZero();
        assertThat(timers.runDue(200)).isEqualTo(2);
        assertThat(ran).containsExactly("a", "b");
        assertThat(timers.nanosUntilNext(250)).isEqualTo(50);
        timers.runDue(1000);
        assertThat(ran).containsExactly("a", "b", "c");
        assertThat(timers.nanosUntilNext(1000)).isEqualTo(-1);
    }

    @Test
    void equalDeadlinesRunInTheOrderScheduled() {
        for (int i = 0; i < 10; i++) {
            int n = i;
            timers.at(5, "t" + n, () -> ran.add("t" + n));
        }
        timers.runDue(5);
        assertThat(ran).containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
    }

    @Test
    void cancelledTimersNeverRunAndDoNotDecideTheSleep() {
        Timers.Timer early = timers.at(10, "early", () -> ran.add("early"));
        timers.at(50, "late", () -> ran.add("late"));
        early.cancel();
        assertThat(early.isPending()).isFalse();
        assertThat(timers.nanosUntilNext(0)).isEqualTo(50);
        timers.runDue(100);
        assertThat(ran).containsExactly("late");
    }

    @Test
    void aTimerScheduledDuringAPassForNowRunsInTheNextPassNotThisOne() {
        timers.at(10, "first", () -> {
            ran.add("first");
            timers.at(10, "second", () -> ran.add("second"));
        });
        timers.at(10, "third", () -> ran.add("third"));
        assertThat(timers.runDue(10)).isEqualTo(2);
        assertThat(ran).containsExactly("first", "third");
        assertThat(timers.nanosUntilNext(10)).as("due: the next turn must not sleep").isZero();
        timers.runDue(10);
        assertThat(ran).containsExactly("first", "third", "second");
    }

    @Test
    void aTimerThatKeepsReschedulingItselfForNowCannotHoldThePass() {
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            ran.add("again");
            timers.at(0, "again", again[0]);
        };
        timers.at(0, "again", again[0]);
        assertThat(timers.runDue(0)).isEqualTo(1);
        assertThat(timers.runDue(0)).isEqualTo(1);
        assertThat(ran).hasSize(2);
    }

    @Test
    void aTimerThatThrowsIsReportedAndTheRestOfThePassStillRuns() {
        List<String> failed = new ArrayList<>();
        timers.listen(new Timers.Listener() {
            @Override
            public void failed(Timers.Timer timer, Exception cause) {
                failed.add(timer.name() + ": " + cause.getMessage());
            }
        });
        timers.at(1, "before", () -> ran.add("before"));
        timers.at(2, "bad", () -> {
            throw new IllegalStateException("broke");
        });
        timers.at(2, "also bad", () -> {
            throw new IllegalArgumentException("broke too");
        });
        timers.at(3, "after", () -> ran.add("after"));
        assertThat(timers.runDue(3)).isEqualTo(4);
        assertThat(ran).containsExactly("before", "after");
        assertThat(failed).containsExactly("bad: broke", "also bad: broke too");
        assertThat(timers.pending()).isZero();
    }

    @Test
    void aPassRunsAtMostItsBoundAndLeavesTheRestDue() {
        for (int i = 0; i < Timers.MAX_PER_PASS + 10; i++) {
            timers.at(i, "t", () -> ran.add("t"));
        }
        assertThat(timers.runDue(1_000_000)).isEqualTo(Timers.MAX_PER_PASS);
        assertThat(timers.nanosUntilNext(1_000_000)).isZero();
        assertThat(timers.runDue(1_000_000)).isEqualTo(10);
        assertThat(ran).hasSize(Timers.MAX_PER_PASS + 10);
    }

    @Test
    void aFloodOfCancelledTimersIsCompactedAway() {
        for (int i = 0; i < 100_000; i++) {
            timers.at(1_000_000 + i, "t", () -> { }).cancel();
        }
        assertThat(timers.size()).isLessThan(5_000);
        assertThat(timers.pending()).isZero();
    }

    @Test
    void pastDeadlinesAreDueAtOnce() {
        timers.at(-5, "past", () -> ran.add("past"));
        assertThat(timers.nanosUntilNext(0)).isZero();
        timers.runDue(0);
        assertThat(ran).containsExactly("past");
    }

    @Test
    void pendingCountsStayExactThroughCancelsRunsAndCompaction() {
        List<Timers.Timer> all = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            all.add(timers.at(100 + i, "t" + i, () -> ran.add("ran")));
        }
        for (int i = 0; i < 3_000; i += 2) {
            all.get(i).cancel();
            all.get(i).cancel(); // twice: still one cancel
        }
        assertThat(timers.pending()).isEqualTo(1_500);
        timers.runDue(100 + 999); // the first 1,000 deadlines: 500 run, 500 were cancelled
        assertThat(ran).hasSize(500);
        all.get(1).cancel(); // already ran: no effect on the count
        assertThat(timers.pending()).isEqualTo(1_000);
        for (int i = 1_001; i < 3_000; i += 2) {
            all.get(i).cancel(); // now almost every timer left is cancelled: the next schedule compacts
        }
        timers.at(10_000, "last", () -> { });
        assertThat(timers.pending()).isEqualTo(1);
        assertThat(timers.size()).isEqualTo(1);
    }
}
