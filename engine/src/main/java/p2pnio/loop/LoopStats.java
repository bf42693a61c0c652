package p2pnio.loop;

/**
 * The loop's health counters. Written by the loop thread only; a reader on another thread gets
 * them through a task on the loop (or accepts slightly stale values).
 */
public final class LoopStats {
    /** Turns of the loop (one {@code select} each). */
    public long turns;
    /** Turns whose {@code select} could block (nothing was due): each lets another thread wake it once. */
    public long sleeps;
    /** Ready keys that {@code select} returned, summed. */
    public long keysReady;
    /** Nanoseconds spent blocked in {@code select}. */
    public long selectNanos;
    /** Nanoseconds spent in handlers, tasks and timers. */
    public long handlerNanos;
    /** The longest time one turn spent outside {@code select}, nanoseconds. */
    public long longestTurnNanos;
    /** Tasks run from the mailbox. */
    public long tasksRun;
    /** Timers that fired. */
    public long timersFired;
    /** Handlers that threw while serving a key. */
    public long handlerFailures;
}
