package p2pnio.loop;

import java.util.PriorityQueue;

/**
 * The loop's timers, ordered by deadline: the loop asks {@link #nanosUntilNext} how long it may
 * sleep in {@code select}, then {@link #runDue runs} every timer whose deadline has passed.
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

    /** Notified of every timer that fires, for tracing and counting. */
    public interface FireListener {
        void fired(Timer timer);
    }

    private final PriorityQueue<Timer> heap = new PriorityQueue<>();
    /** Cancelled timers still in the heap. */
    private int cancelled;
    private long sequence;
    private FireListener fireListener = timer -> { };

    /** Sets who hears of each timer that fires. */
    public void onFire(FireListener listener) {
        this.fireListener = listener;
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

    /** Runs every timer whose deadline is at or before {@code now}; returns how many ran. */
    public int runDue(long now) {
        int ran = 0;
        Timer head;
        while ((head = heap.peek()) != null && head.deadline - now <= 0) {
            heap.poll();
            Runnable action = head.action;
            if (action == null) {
                cancelled--;
            } else {
                head.action = null;
                fireListener.fired(head);
                action.run();
                ran++;
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
