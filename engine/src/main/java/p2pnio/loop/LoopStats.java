package p2pnio.loop;

/**
 * The loop's health counters. Written by the loop thread only; a reader on another thread gets
 * them through a task on the loop (or accepts slightly stale values).
 */
public final class LoopStats {
    /** Turns of the loop (one {@code select} each). */
    public long turns;
    /**
     * Turns that offered to block in {@code select} (nothing was due): each lets at most one other
     * thread wake the selector, so wake-ups never outnumber them.
     */
    public long sleeps;
    /** Ready keys that {@code select} returned, summed. */
    public long keysReady;
    /** Nanoseconds spent blocked in {@code select}. */
    public long selectNanos;
    /** Nanoseconds spent in handlers, tasks and timers. */
    public long handlerNanos;
    /** The longest time one turn spent outside {@code select} in the turn window, nanoseconds. */
    public long longestTurnNanos;
    /**
     * What ran in that longest turn: its handlers, tasks and timers by name (see
     * {@link Turn#whatRan()}), then how much of it the loop thread was on the CPU: {@code [on the
     * CPU 1.2 of 31.0 ms; off it 29.8 ms: waiting for a CPU, stopped by the garbage collector, or
     * blocked in a system call]}. A turn mostly off the CPU was long because of the machine, not
     * of its work.
     */
    public String longestTurn = "nothing yet";
    /**
     * How long each turn of the turn window spent outside {@code select}: its work. The window
     * runs from the loop's start, or from the last {@link #restartTurnWindow()}.
     */
    public final TurnHistogram turnTimes = new TurnHistogram();
    /**
     * The loop thread's CPU time in each turn's work, in the same turn window: only the turns
     * measured ({@link EventLoop#measureCpu}); empty otherwise. Beside {@link #turnTimes} it tells
     * the loop's own work from the time its thread waited for a CPU.
     */
    public final TurnHistogram turnCpuTimes = new TurnHistogram();
    /** The most CPU time one measured turn of the window used, nanoseconds (0 when none was measured). */
    public long longestCpuTurnNanos;
    /** What ran in that turn, named like {@link #longestTurn}, with its wall-clock time. */
    public String longestCpuTurn = "nothing measured";
    /** Turns of the turn window whose allocation was measured ({@link EventLoop#measureCpu}). */
    public long allocationTurns;
    /** Bytes the loop thread allocated in those turns' work, summed. */
    public long allocatedBytes;
    /** A turn whose work took longer than this is slow: the engine issue's bound for p99.9 (5 ms). */
    public static final long SLOW_TURN_NANOS = 5_000_000;
    /** How many slow turns of a window {@link #slowTurnSamples} keeps. */
    public static final int SLOW_SAMPLES = 100;
    /** Turns of the turn window whose work took longer than {@link #SLOW_TURN_NANOS}. */
    public long slowTurns;
    /**
     * Of the slow turns measured ({@link EventLoop#measureCpu}), those whose CPU time alone was over
     * {@link #SLOW_TURN_NANOS}: the turn's own work (in Java or in the kernel) was too long.
     */
    public long slowOnCpu;
    /** Of the other slow turns measured, those whose thread waited for a CPU longer than it was blocked. */
    public long slowWaitingForCpu;
    /**
     * Of the other slow turns measured, those whose thread was blocked longer than it waited for a
     * CPU: in a system call that sleeps, or stopped at a safepoint.
     */
    public long slowBlocked;
    /**
     * The first {@link #SLOW_SAMPLES} slow turns of the window, each named with its times:
     * {@code 7.1 ms: on the CPU 1.2, waiting for a CPU 5.5, blocked 0.4 ms: <what ran>}.
     */
    public final java.util.List<String> slowTurnSamples = new java.util.ArrayList<>();
    /** Tasks run from the mailbox. */
    public long tasksRun;
    /** Tasks the loop never ran because it stopped first (each {@link Task} was told why). */
    public long tasksRejected;
    /** Timers that fired. */
    public long timersFired;
    /** Timers that threw (each reported; the rest of their pass still ran). */
    public long timerFailures;
    /** Handlers that threw while serving a key. */
    public long handlerFailures;
    /**
     * Keys the loop cancelled and whose channel it closed itself, because their handler's
     * {@code onFailure} threw or they failed {@link EventLoop#FAILURES_IN_A_ROW} turns in a row.
     */
    public long keysClosedByLoop;

    /**
     * Starts a new turn window: the histogram and the longest turn forget the turns so far (the
     * other counters keep counting), so that a reading covers a phase alone, such as a
     * benchmark's measured waves without the node's start and the warm-up.
     */
    public void restartTurnWindow() {
        turnTimes.clear();
        turnCpuTimes.clear();
        allocationTurns = 0;
        longestCpuTurnNanos = 0;
        longestCpuTurn = "nothing measured";
        allocatedBytes = 0;
        longestTurnNanos = 0;
        longestTurn = "nothing yet";
        slowTurns = 0;
        slowOnCpu = 0;
        slowWaitingForCpu = 0;
        slowBlocked = 0;
        slowTurnSamples.clear();
    }

    /** Counts what a finished turn took: its work time, and what ran in it if it is the longest yet. */
    void turnEnded(Turn turn) {
        long took = turn.workNanos();
        handlerNanos += took;
        turnTimes.record(took);
        if (turn.cpuNanos() >= 0) {
            turnCpuTimes.record(turn.cpuNanos());
            if (turn.cpuNanos() > longestCpuTurnNanos) {
                longestCpuTurnNanos = turn.cpuNanos();
                longestCpuTurn = turn.whatRan() + onCpu(turn); // rarely: when the record is broken
            }
        }
        if (turn.allocatedBytes() >= 0) {
            allocationTurns++;
            allocatedBytes += turn.allocatedBytes();
        }
        if (took > SLOW_TURN_NANOS) {
            slowTurn(turn); // rarely: a string for the first few only
        }
        if (took > longestTurnNanos) {
            longestTurnNanos = took;
            longestTurn = turn.whatRan() + onCpu(turn); // a string only when the record is broken: rarely
        }
    }

    /** Counts a slow turn by what kept it long, and names the first few. */
    private void slowTurn(Turn turn) {
        slowTurns++;
        long cpu = turn.cpuNanos();
        long waited = turn.runQueueNanos();
        if (cpu < 0 || waited < 0) {
            if (slowTurnSamples.size() < SLOW_SAMPLES) {
                slowTurnSamples.add(String.format(java.util.Locale.ROOT, "%.1f ms: %s", turn.workNanos() / 1e6, turn.whatRan()));
            }
            return;
        }
        long blocked = Math.max(0, turn.workNanos() - cpu - waited);
        if (cpu > SLOW_TURN_NANOS) {
            slowOnCpu++;
        } else if (waited >= blocked) {
            slowWaitingForCpu++;
        } else {
            slowBlocked++;
        }
        if (slowTurnSamples.size() < SLOW_SAMPLES) {
            slowTurnSamples.add(String.format(java.util.Locale.ROOT, "%.1f ms: on the CPU %.1f, waiting for a CPU %.1f,"
                    + " blocked %.1f ms: %s", turn.workNanos() / 1e6, cpu / 1e6, waited / 1e6, blocked / 1e6, turn.whatRan()));
        }
    }

    /** How much of {@code turn} the loop thread was on the CPU, as the longest turn's name ends. */
    static String onCpu(Turn turn) {
        if (turn.cpuNanos() < 0) {
            return "";
        }
        double work = turn.workNanos() / 1e6;
        double cpu = Math.min(turn.cpuNanos() / 1e6, work);
        return String.format(java.util.Locale.ROOT, " [on the CPU %.1f of %.1f ms; off it %.1f ms: waiting for a CPU,"
                + " stopped by the garbage collector, or blocked in a system call]", cpu, work, work - cpu);
    }
}
