package p2pnio.loop;

import java.util.PriorityQueue;

/**
 * The loop's timers, ordered by deadline: the loop asks {@link #nanosUntilNext} how long it may
 * sleep in {@code select}, then {@link #runDue runs} the timers whose deadline has passed.
 *
 * <p>A pass of {@link #runDue} is bounded three ways, so that timers cannot starve I/O and one
 * bad timer cannot spoil the others: each timer runs on its own (one that throws is reported to
 * the {@link Listener} and the pass goes on); a timer scheduled during the pass waits for the
 * next pass even when it is already due (Redis's {@code maxId} guard in {@code processTimeEvents},
 * so a timer that keeps rescheduling itself "for now" cannot hold the loop); and a pass runs at
 * most {@value #MAX_PER_PASS} timers, leaving the rest for the next turn.
 *
 * <p>Single-threaded: only the loop thread touches it. A cancelled timer stays in the heap until
 * it comes to the top (cheap, O(1) cancel); when cancelled timers make up most of the heap it is
 * compacted so a flood of cancels cannot grow memory. The cancelled ones are counted as they are
 * cancelled, so scheduling stays O(log n) however many timers wait (10,000 idle connections each
 * hold one).
 */
public final class Timers {

    /** A scheduled action; {@link #cancel()} it to stop it from running. */
    public static final class Timer implements Comparable<Timer> {
        private final Timers owner;
        private final long deadline;
        private final long sequence;
        private final String name;
        private Runnable action;

        private Timer(Timers owner, long deadline, long sequence, String name, Runnable action) {
            this.owner = owner;
            this.deadline = deadline;
            this.sequence = sequence;
            this.name = name;
            this.action = action;
        }

        /** Stops the timer from running; safe to call more than once or after it ran. */
        public void cancel() {
            if (action != null) {
                action = null;
                owner.cancelled++;
            }
        }

        /** True until the timer ran or was cancelled. */
        public boolean isPending() {
            return action != null;
        }

        /** The time at which the timer runs, on the loop's clock (nanoseconds). */
        public long deadline() {
            return deadline;
        }

        /** A short label for traces. */
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }

        @Override
        public int compareTo(Timer other) {
            int byDeadline = Long.compare(deadline, other.deadline);
            return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
        }
    }

    /** Hears of every timer that fires, and of every one that throws. */
    public interface Listener {
        /** {@code timer} is about to run. */
        default void firing(Timer timer) { }

        /** {@code timer} threw {@code cause}; the pass goes on with the next one. */
        default void failed(Timer timer, Exception cause) { }
    }

    /** Most timers one pass of {@link #runDue} runs; the rest run in the next one. */
    public static final int MAX_PER_PASS = 1024;

    private final PriorityQueue<Timer> heap = new PriorityQueue<>();
    /** Cancelled timers still in the heap. */
    private int cancelled;
    private long sequence;
    private Listener listener = new Listener() { };

    /** Sets who hears of each timer that fires or fails. */
    public void listen(Listener listener) {
        this.listener = listener;
    }

    /** Runs {@code action} on the loop once the clock reaches {@code deadline} (nanoseconds). */
    public Timer at(long deadline, String name, Runnable action) {
        Timer timer = new Timer(this, deadline, sequence++, name, action);
        heap.add(timer);
        if (heap.size() > 1024 && cancelledShare() > 0.5) {
            compact();
        }
        return timer;
    }

    /**
     * Nanoseconds until the earliest pending timer, 0 if one is already due, or -1 when there is
     * no pending timer (the loop may then sleep until woken).
     */
    public long nanosUntilNext(long now) {
        Timer head;
        while ((head = heap.peek()) != null && !head.isPending()) {
            heap.poll();
            cancelled--;
        }
        return head == null ? -1 : Math.max(0, head.deadline - now);
    }

    /**
     * Runs the timers whose deadline is at or before {@code now} and that were scheduled before
     * this pass began, at most {@value #MAX_PER_PASS} of them; returns how many ran. A timer that
     * throws is reported to the listener; the others still run.
     */
    public int runDue(long now) {
        long firstOfThisPass = sequence; // timers scheduled from here on wait for the next pass
        int ran = 0;
        Timer head;
        while (ran < MAX_PER_PASS && (head = heap.peek()) != null && head.deadline - now <= 0
                && head.sequence < firstOfThisPass) {
            heap.poll();
            Runnable action = head.action;
            if (action == null) {
                cancelled--;
                continue;
            }
            head.action = null;
            ran++;
            listener.firing(head);
            try {
                action.run();
            } catch (Exception e) {
                listener.failed(head, e);
            }
        }
        return ran;
    }

    /** Timers still waiting to run (cancelled ones not counted). */
    public int pending() {
        return heap.size() - cancelled;
    }

    /** Timers held in the heap, cancelled ones included: what memory they cost. */
    public int size() {
        return heap.size();
    }

    private double cancelledShare() {
        return (double) cancelled / heap.size();
    }

    private void compact() {
        heap.removeIf(t -> !t.isPending());
        cancelled = 0;
    }
}
