package p2pnio;

import java.util.List;
import java.util.Locale;

/**
 * What one turn of a paused node's loop did, as {@link Node#step} reports it: the turn's number,
 * how many keys {@code select} returned, how long the turn's work took, and, in the order they
 * happened, what the loop did: each ready key with its owner (just before its handler ran), the
 * state transitions its handler made, the tasks and the timers that ran, and the rest of the
 * trace (datagrams in and out, {@code transferTo} calls, accepts, closes). The same lines as the
 * trace prints, each with its {@link Kind}.
 *
 * @param turn      the turn's number, from 1 when the node started
 * @param selected  keys {@code select} returned ready (0: a timer came due, a task arrived, or the
 *                  step's wait ran out)
 * @param workNanos how long the turn's work took, nanoseconds (handlers, tasks and timers)
 * @param entries   what happened, in order
 */
public record LoopStep(long turn, int selected, long workNanos, List<Entry> entries) {

    /** What an entry is about. */
    public enum Kind {
        /** {@code select} returned no key. */
        SELECT,
        /** A key {@code select} reported ready, with whose it is and in which state. */
        READY,
        /** A state machine's transition ({@code download#1 READ_HEADER -> OPENING}). */
        MOVE,
        /** A task posted by another thread (a command, a query, a background result). */
        TASK,
        /** A timer. */
        TIMER,
        /** Anything else: datagrams, {@code transferTo}, accepts, closes. */
        NOTE
    }

    /** One thing the turn did, as the trace says it. */
    public record Entry(Kind kind, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The ready keys, as {@code select -> readable[upload#1 ...]}. */
    public List<String> ready() {
        return texts(Kind.READY);
    }

    /** The state transitions, in order. */
    public List<String> moves() {
        return texts(Kind.MOVE);
    }

    /** The tasks that ran, as {@code task <name>}. */
    public List<String> tasks() {
        return texts(Kind.TASK);
    }

    /** The timers that ran, as {@code timer <name>}. */
    public List<String> timers() {
        return texts(Kind.TIMER);
    }

    /** The texts of the entries of {@code kind}, in order. */
    public List<String> texts(Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).map(Entry::text).toList();
    }

    /** The turn as a few lines: a heading, then each entry indented. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "turn %d: %d key%s ready, %.3f ms of work",
                turn, selected, selected == 1 ? "" : "s", workNanos / 1e6));
        for (Entry e : entries) {
            s.append("\n  ").append(e.text());
        }
        return s.toString();
    }
}
