package p2pnio.loop;

import java.util.Locale;

/**
 * What one turn of the {@link EventLoop} did: how many keys {@code select} returned, how many
 * handlers, tasks and timers ran, the loop time the turn ran at, how long it waited in
 * {@code select} and how long its work took.
 *
 * <p>The loop fills one instance per turn, the same one each time, so that a turn allocates
 * nothing: read it (on the loop thread) before the next turn begins, or copy what you need.
 */
public final class Turn {

    /** How many things a turn remembers by name, for naming the longest turn. */
    static final int REMEMBERED = 8;

    private long number;
    private long now;
    private int selected;
    private int handled;
    private int tasks;
    private int timers;
    private long selectNanos;
    private long workNanos;
    private long cpuNanos = -1;
    private long allocatedBytes = -1;
    private long runQueueNanos = -1;
    private final Object[] ran = new Object[REMEMBERED];
    private int ranCount;

    void begin(long number, long now, long selectNanos) {
        this.number = number;
        this.now = now;
        this.selected = 0;
        this.selectNanos = selectNanos;
        handled = 0;
        tasks = 0;
        timers = 0;
        workNanos = 0;
        for (int i = 0; i < ranCount && i < REMEMBERED; i++) {
            ran[i] = null;
        }
        ranCount = 0;
    }

    void selected(int keys) {
        this.selected = keys;
    }

    void handled(Object handler) {
        handled++;
        remember(handler);
    }

    void ranTask(Object task) {
        tasks++;
        remember(task);
    }

    /** The loop's work after the handlers ran in this turn (the send round): named, not counted as a handler. */
    void didWork(Object work) {
        remember(work);
    }

    void firedTimer(Object timer) {
        timers++;
        remember(timer);
    }

    void end(long workNanos, long cpuNanos, long allocatedBytes, long runQueueNanos) {
        this.workNanos = workNanos;
        this.cpuNanos = cpuNanos;
        this.allocatedBytes = allocatedBytes;
        this.runQueueNanos = runQueueNanos;
    }

    private void remember(Object what) {
        if (ranCount < REMEMBERED) {
            ran[ranCount] = what;
        }
        ranCount++;
    }

    /**
     * Bytes the loop thread allocated in the turn's work; -1 unless measured
     * ({@link EventLoop#measureCpu}) where the JVM can.
     */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /**
     * CPU time the loop thread used in the turn's work, nanoseconds; -1 unless measured
     * ({@link EventLoop#measureCpu}) where the JVM can. Much less than {@link #workNanos}: the thread was off the CPU for the rest of
     * the turn (waiting for a CPU, stopped by the garbage collector, or blocked).
     */
    public long cpuNanos() {
        return cpuNanos;
    }

    /**
     * Time the loop thread spent in the turn's work runnable but waiting for a CPU (Linux's
     * {@code run_delay}), nanoseconds; -1 unless measured ({@link EventLoop#measureCpu}) where the
     * kernel tells. The rest of the time off the CPU the thread was blocked: in a system call that
     * sleeps (a write throttled by the page cache, a page fault that reads a disk), or stopped at a
     * safepoint by the garbage collector.
     */
    public long runQueueNanos() {
        return runQueueNanos;
    }

    /** The turn's number, from 1. */
    public long number() {
        return number;
    }

    /** The loop time of the turn (nanoseconds): read once, when {@code select} returned. */
    public long now() {
        return now;
    }

    /** Keys {@code select} returned ready. */
    public int selected() {
        return selected;
    }

    /** Handlers run (one per ready key still valid). */
    public int handled() {
        return handled;
    }

    /** Tasks run from the mailbox. */
    public int tasks() {
        return tasks;
    }

    /** Timers that fired. */
    public int timers() {
        return timers;
    }

    /** Time spent waiting in {@code select}, nanoseconds. */
    public long selectNanos() {
        return selectNanos;
    }

    /** Time the turn's work took (handlers, tasks, timers), nanoseconds. */
    public long workNanos() {
        return workNanos;
    }

    /**
     * What ran in this turn, by name: the handlers, tasks and timers in the order they ran (the
     * first {@value #REMEMBERED}, then how many more). Builds a string: call it rarely.
     */
    public String whatRan() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(ranCount, REMEMBERED); i++) {
            s.append(i == 0 ? "" : ", ").append(ran[i]);
        }
        if (ranCount > REMEMBERED) {
            s.append(" and ").append(ranCount - REMEMBERED).append(" more");
        }
        return s.length() == 0 ? "nothing" : s.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "turn %d: select -> %d key%s after %.3f ms; %d handler%s, %d task%s, "
                        + "%d timer%s in %.3f ms", number, selected, selected == 1 ? "" : "s", selectNanos / 1e6,
                handled, handled == 1 ? "" : "s", tasks, tasks == 1 ? "" : "s", timers, timers == 1 ? "" : "s",
                workNanos / 1e6);
    }
}
