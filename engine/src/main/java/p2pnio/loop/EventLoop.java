package p2pnio.loop;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One thread, one {@link Selector}: the whole I/O side of a node.
 *
 * <p>{@link #runOnce} is one turn of the loop, in the order of Redis's {@code aeProcessEvents}:
 * <ol>
 *   <li>{@code select} until the next timer is due, or a task arrives through the
 *       {@link Mailbox} (or not at all, when told not to block), and run the {@link Handler} of
 *       every ready key as {@code select} reports it ({@code Selector.select(Consumer)}: no
 *       selected-key set to fill, iterate and empty), then the work set with
 *       {@link #afterHandlers} (the transfers' fair send round);</li>
 *   <li>run the tasks other threads posted, at most {@link #tasksPerTurn(int) tasksPerTurn} (the
 *       rest wait for the next turn, which does not wait in {@code select});</li>
 *   <li>run the timers that are due.</li>
 * </ol>
 * The clock is read once per turn, when its work begins (at the first ready key, or when
 * {@code select} returns with none): every handler, task and timer of the turn sees that one
 * time.
 * It returns what the turn did (a {@link Turn}). {@link #run} is a loop around it. A handler
 * that throws is given {@link Handler#onFailure}, and the loop closes its channel itself when
 * that throws too or the key keeps failing (the {@link Handler} contract); a task or timer that
 * throws is reported to the failure sink; the loop itself goes on. Only an error of the selector
 * stops it.
 *
 * <p>Another thread may {@link #pause()} the loop between two turns and let it {@link #step} a
 * turn at a time (the {@link Gate}); {@link Observer}s hear what each turn does.
 *
 * <p>Every method that touches a channel must run on the loop thread: {@link #checkInLoop()}
 * asserts it, and the tests use it.
 */
public final class EventLoop {

    /** Where failures of tasks and timers go (never of the loop itself). */
    public interface FailureSink {
        void failed(String what, Exception cause);
    }

    /** Failing turns in a row after which the loop closes a key its handler keeps. */
    public static final int FAILURES_IN_A_ROW = 16;

    /** Tasks one turn runs unless told otherwise ({@link #tasksPerTurn(int)}). */
    public static final int DEFAULT_TASKS_PER_TURN = 64;

    private final Selector selector;
    private final Timers timers = new Timers();
    private final Mailbox mailbox;
    /** The loop's time, nanoseconds; null for the real {@code System.nanoTime()}. */
    private final LongSupplier clock;
    private final LoopStats stats = new LoopStats();
    private final Turn turn = new Turn();
    private final Gate gate = new Gate();
    /** Keys whose handler failed and kept them, with their failing turns in a row; empty almost always. */
    private final Map<SelectionKey, Integer> failing = new HashMap<>();
    private volatile Thread thread;
    private volatile boolean stopping;
    /** The current turn's time: read once per turn, seen by everything the turn runs. */
    private long now;
    /** Real time the current turn began to wait in select, and began its work. */
    private long selectStarted;
    private long workStarted;
    /** CPU time of the loop thread when the current turn's work began; -1 if not measured. */
    private long cpuStarted = -1;
    /** Bytes the loop thread had allocated when the current turn's work began; -1 if not measured. */
    private long allocatedStarted = -1;
    /** The loop thread's wait for a CPU, when measured: opened by the loop thread on its first measured turn. */
    private RunQueueClock runQueue;
    private boolean runQueueOpened;
    /** The loop thread's run-queue wait when the current turn's work began; -1 if not measured. */
    private long runQueueStarted = -1;
    /** Measures the loop thread's CPU time and allocation, where the JVM can (one read of each at each end of a turn). */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    private static final com.sun.management.ThreadMXBean ALLOCATION =
            THREADS instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
                    && t.isThreadAllocatedMemoryEnabled() ? t : null;
    /** True when each turn's CPU time and allocation are measured ({@link #measureCpu}); off by default. */
    private boolean measureCpu;
    private boolean working;
    /** What select calls for each ready key. */
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private FailureSink failureSink = (what, e) -> { };
    private static final Observer NOBODY = new Observer() { };
    private Observer observer = NOBODY;
    /** What each turn does after its ready keys' handlers, in the order added; rarely more than two. */
    private final List<Work> afterHandlers = new ArrayList<>();
    /** Most posted tasks one turn runs; the rest wait for the next turn. */
    private int tasksPerTurn = DEFAULT_TASKS_PER_TURN;
    /** True when the last turn left tasks in the mailbox: the next one does not wait in select. */
    private boolean tasksLeft;

    /**
     * Work a turn does right after its ready keys' handlers, in an order and amount of its own
     * choosing rather than the selector's (the transfers' fair send round). Loop thread only.
     */
    public interface Work {
        /** Does this turn's share of the work. Must not throw; if it does, the failure is reported. */
        default void run() { }

        /** True while work is left for the next turn: that turn then does not wait in {@code select}. */
        default boolean hasMore() {
            return false;
        }
    }

    /** A loop on the real clock, {@code System.nanoTime()}. */
    public EventLoop(int mailboxCapacity) throws IOException {
        this(mailboxCapacity, null);
    }

    /**
     * @param mailboxCapacity most tasks other threads may have queued at once
     * @param clock           monotonic nanoseconds for the loop's timers (a test moves its own);
     *                        null for {@code System.nanoTime()}. Durations the loop measures of
     *                        itself (time in {@code select}, in a turn) always use the real clock.
     */
    public EventLoop(int mailboxCapacity, LongSupplier clock) throws IOException {
        this.selector = Selector.open();
        this.mailbox = new Mailbox(mailboxCapacity, selector::wakeup);
        this.clock = clock;
        this.now = readClock();
        timers.listen(new Timers.Listener() {
            @Override
            public void firing(Timers.Timer timer) {
                turn.firedTimer(timer);
                observer.timerFired(timer);
            }

            @Override
            public void failed(Timers.Timer timer, Exception cause) {
                stats.timerFailures++;
                failureSink.failed("timer '" + timer.name() + "'", cause);
            }
        });
    }

    /** Sets where failures of posted tasks and timers are reported. */
    public void onFailure(FailureSink sink) {
        this.failureSink = sink;
    }

    /** Adds {@code another} to those who hear what each turn does (the trace, the step recorder). Before the loop runs. */
    public void observe(Observer another) {
        observer = observer == NOBODY ? another : observer.andThen(another);
    }

    /**
     * Adds work that runs once every turn, right after the ready keys' handlers (each work in the
     * order added): what the handlers only queued (the uploads that may send, the downloads to
     * start) is served there. While one has more, no turn waits in {@code select}: the work is not
     * a socket the selector could report. Loop thread only.
     */
    public void afterHandlers(Work work) {
        checkInLoop();
        afterHandlers.add(work);
    }

    /**
     * Sets the most posted tasks one turn runs ({@link #DEFAULT_TASKS_PER_TURN} unless set): the
     * rest wait, in order, for the next turn, which then does not wait in {@code select}. A burst
     * of commands is spread over short turns instead of making one long one. Before the loop runs.
     */
    public void tasksPerTurn(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasksPerTurn must be at least 1, got " + tasks);
        }
        this.tasksPerTurn = tasks;
    }

    /**
     * Measures, or stops measuring, the loop thread's CPU time and the bytes it allocated in each
     * turn's work ({@link Turn#cpuNanos}, {@link Turn#allocatedBytes}, their histogram and sum in
     * {@link LoopStats}): four reads of the thread's counters per turn, off unless asked for (a
     * benchmark asks). Where the JVM cannot measure, the turn says -1. Loop thread, or before the loop runs.
     */
    public void measureCpu(boolean on) {
        checkInLoop();
        this.measureCpu = on;
    }

    /** Registers {@code channel} (already non-blocking) with {@code handler} as its attachment. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler)
            throws ClosedChannelException {
        checkInLoop();
        return channel.register(selector, ops, handler);
    }

    /**
     * Queues a task from any thread; false when the mailbox is full or the loop is stopping. A task
     * queued is run, or, if the loop stops first, rejected: a {@link Task} is told why.
     */
    public boolean execute(Runnable task) {
        return !stopping && mailbox.offer(task);
    }

    /**
     * Queues a task from any thread even when the mailbox is full: for the engine's own
     * continuations (an index scan finished, a name resolved), which must not be lost. Once the
     * loop has stopped there is nobody to run it: it is counted as rejected.
     */
    public void executeAlways(Runnable task) {
        if (!mailbox.force(task)) {
            reject(task); // the loop is gone: only the counter and the task's own rejection remain
        }
    }

    /**
     * The loop's time, nanoseconds: on the loop thread, the time of the current turn (read once
     * when its {@code select} returned); on any other thread, the clock now.
     */
    public long now() {
        return Thread.currentThread() == thread ? now : readClock();
    }

    private long readClock() {
        return clock == null ? System.nanoTime() : clock.getAsLong();
    }

    /** Runs {@code action} on the loop after {@code delayNanos}. Loop thread only. */
    public Timers.Timer schedule(long delayNanos, String name, Runnable action) {
        return timers.at(now() + delayNanos, name, action);
    }

    /** The loop's timers. Loop thread only. */
    public Timers timers() {
        return timers;
    }

    /** The loop's counters. */
    public LoopStats stats() {
        return stats;
    }

    /** Tasks waiting in the mailbox now. */
    public int queueDepth() {
        return mailbox.depth();
    }

    /** Times another thread had to wake the selector. */
    public int wakeups() {
        return mailbox.wakeups();
    }

    /** Keys registered with the selector now. Loop thread only. */
    public int registeredKeys() {
        return selector.keys().size();
    }

    /** True on the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Throws unless called on the loop thread: the guard for every method that touches a channel. */
    public void checkInLoop() {
        Thread owner = thread;
        if (owner != null && Thread.currentThread() != owner) {
            throw new IllegalStateException("channel touched from " + Thread.currentThread().getName()
                    + ", not from the loop thread " + owner.getName());
        }
    }

    /**
     * Runs the loop on the calling thread, turn after turn, until {@link #stop()} is called, then
     * closes the selector. {@code cleanup} runs on the loop, before the selector closes, whether
     * the loop stopped cleanly or failed.
     */
    public void run(Runnable cleanup) throws IOException {
        claimThread();
        try {
            while (!stopping) {
                long maxWait = gate.awaitTurn(); // at once, unless paused
                if (!stopping) {
                    runOnce(maxWait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the loop thread was interrupted while paused: stop
        } finally {
            stopping = true;
            try {
                cleanup.run();
            } finally {
                mailbox.close(this::reject);
                try {
                    if (runQueue != null) {
                        runQueue.close();
                    }
                } finally {
                    selector.close();
                }
            }
        }
    }

    /** A task the loop will never run: counted, and a {@link Task} is told why. */
    private void reject(Runnable task) {
        stats.tasksRejected++;
        if (task instanceof Task t) {
            try {
                t.onReject().accept("the loop stopped before running it");
            } catch (RuntimeException e) {
                failureSink.failed("rejecting " + t.name(), e);
            }
        }
    }

    /** Asks the loop to stop after the current turn, paused or not. Any thread. */
    public void stop() {
        stopping = true;
        mailbox.force(Task.of("stop", () -> { }));
        gate.release();
    }

    /**
     * Pauses {@link #run} between its current turn and the next; any thread. The future completes
     * once the loop waits there. Its sockets keep queueing in the kernel, its timers come due.
     */
    public CompletableFuture<Void> pause() {
        CompletableFuture<Void> held = gate.pause();
        selector.wakeup(); // it may sleep in select, waiting for an event that is not coming
        return held;
    }

    /**
     * Lets a paused loop run {@code turns} turns, each waiting in {@code select} at most
     * {@code maxWaitNanos} (-1: until its next timer or event, as the free loop would). Any thread.
     *
     * @throws IllegalStateException if the loop is not paused
     */
    public void step(int turns, long maxWaitNanos) {
        gate.allow(turns, maxWaitNanos);
    }

    /** Lets a paused loop run free again. Any thread. */
    public void resume() {
        gate.resume();
    }

    /** True while the loop is paused (stepping or waiting between turns). */
    public boolean isPaused() {
        return gate.isPaused();
    }

    /** Wakes the loop if it sleeps in {@code select}: that turn ends, with nothing to do. Any thread. */
    public void wakeup() {
        selector.wakeup();
    }

    /** True once {@link #stop()} was called. */
    public boolean isStopping() {
        return stopping;
    }

    /**
     * Runs one turn on the calling thread, which becomes (or must already be) the loop thread.
     *
     * @param canBlock false to return at once when nothing is ready (Redis's {@code AE_DONT_WAIT},
     *                 Netty's {@code canBlock}); true to wait in {@code select} until the next
     *                 timer is due, a key is ready, or another thread posts a task
     * @return what the turn did; the same object each turn (read it before the next one)
     */
    public Turn runOnce(boolean canBlock) throws IOException {
        return runOnce(canBlock ? -1 : 0);
    }

    /** One turn whose select waits at most {@code maxWaitNanos} (-1: until the next timer or event; 0: not at all). */
    Turn runOnce(long maxWaitNanos) throws IOException {
        claimThread();
        selectStarted = System.nanoTime();
        working = false;
        long wait = maxWaitNanos == 0 ? 0 : timers.nanosUntilNext(clock == null ? selectStarted : clock.getAsLong());
        if (maxWaitNanos > 0 && (wait < 0 || wait > maxWaitNanos)) {
            wait = maxWaitNanos;
        }
        if (tasksLeft || moreWork()) {
            wait = 0; // work is waiting that no selector can report
        }
        int ready = select(wait);
        startWork(); // if no key was ready, the turn's work begins now
        turn.selected(ready);
        stats.keysReady += ready;
        observer.selected(turn);
        for (int i = 0; i < afterHandlers.size(); i++) {
            Work work = afterHandlers.get(i);
            try {
                if (work.hasMore()) {
                    turn.didWork(work); // named like a handler: a long send round shows as the longest turn's
                }
                work.run();
            } catch (Exception e) {
                failureSink.failed("work after the handlers (" + work + ")", e);
            }
        }
        runTasks();
        runTimers();
        // The thread's counters are read inside the wall-clock span (after its start, before its end), so a
        // turn's CPU time never exceeds its work time.
        long cpu = cpuStarted < 0 ? -1 : THREADS.getCurrentThreadCpuTime() - cpuStarted;
        long allocated = allocatedStarted < 0 ? -1 : ALLOCATION.getCurrentThreadAllocatedBytes() - allocatedStarted;
        long waited = runQueueStarted < 0 ? -1 : Math.max(-1, runQueue.nanos() - runQueueStarted);
        turn.end(System.nanoTime() - workStarted, cpu, allocated, waited);
        stats.turnEnded(turn);
        observer.turnEnded(turn);
        return turn;
    }

    /** True if some work after the handlers has more for the next turn. */
    private boolean moreWork() {
        for (int i = 0; i < afterHandlers.size(); i++) {
            if (afterHandlers.get(i).hasMore()) {
                return true;
            }
        }
        return false;
    }

    /** The turn's work begins: the one reading of the clock for everything the turn runs. */
    private void startWork() {
        if (working) {
            return;
        }
        working = true;
        workStarted = System.nanoTime();
        cpuStarted = measureCpu && CPU_TIME ? THREADS.getCurrentThreadCpuTime() : -1;
        allocatedStarted = measureCpu && ALLOCATION != null ? ALLOCATION.getCurrentThreadAllocatedBytes() : -1;
        if (measureCpu && !runQueueOpened) {
            runQueueOpened = true;
            runQueue = RunQueueClock.open(); // on the loop thread: the file is this thread's
        }
        runQueueStarted = measureCpu && runQueue != null ? runQueue.nanos() : -1;
        now = clock == null ? workStarted : clock.getAsLong();
        turn.begin(++stats.turns, now, workStarted - selectStarted);
        stats.selectNanos += workStarted - selectStarted;
        observer.turnStarted(turn);
    }

    private void claimThread() {
        Thread me = Thread.currentThread();
        if (thread == null) {
            thread = me;
        } else if (thread != me) {
            throw new IllegalStateException("the loop runs on " + thread.getName() + ", not on " + me.getName());
        }
    }

    /**
     * Waits in select at most {@code waitNanos} (0: not at all, -1: until woken), running the
     * handler of each ready key as select reports it; returns how many keys were ready.
     */
    private int select(long waitNanos) throws IOException {
        int ready;
        if (waitNanos != 0) {
            stats.sleeps++; // from here on, one producer may wake us
        }
        if (waitNanos == 0 || !mailbox.beforeSleep()) {
            ready = selector.selectNow(dispatch);
        } else if (waitNanos < 0) {
            ready = selector.select(dispatch);
        } else {
            // select takes milliseconds and 0 means "forever": round up so a timer 0.3 ms away still wakes us.
            ready = selector.select(dispatch, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        mailbox.afterSleep();
        return ready;
    }

    /** Runs the handler of a key select found ready (the first one begins the turn's work). */
    private void dispatch(SelectionKey key) {
        startWork();
        if (!key.isValid()) {
            return; // closed by a handler earlier in this turn
        }
        Handler handler = (Handler) key.attachment();
        turn.handled(handler);
        observer.ready(key);
        try {
            handler.onReady(key);
            if (!failing.isEmpty()) {
                failing.remove(key);
            }
        } catch (Exception e) {
            handlerFailed(key, handler, e);
        }
    }

    /** The Handler contract: onFailure closes or keeps; if it throws, or a kept key keeps failing, the loop closes. */
    private void handlerFailed(SelectionKey key, Handler handler, Exception cause) {
        stats.handlerFailures++;
        try {
            handler.onFailure(cause);
        } catch (Exception again) {
            closeKey(key, handler, "its onFailure threw " + again, cause);
            return;
        }
        if (key.isValid() && failing.merge(key, 1, Integer::sum) >= FAILURES_IN_A_ROW) {
            closeKey(key, handler, "it failed " + FAILURES_IN_A_ROW + " turns in a row", cause);
        } else if (!key.isValid()) {
            failing.remove(key);
        }
    }

    private void closeKey(SelectionKey key, Handler handler, String why, Exception cause) {
        failing.remove(key);
        stats.keysClosedByLoop++;
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            failureSink.failed("closing the channel of " + handler, e);
        }
        failureSink.failed("handler " + handler + " (the loop closed its channel: " + why + ")", cause);
    }

    private void runTasks() {
        // At most tasksPerTurn, so that neither a flood of posts nor a burst of commands makes a long turn.
        tasksLeft = false;
        for (int i = 0; i < tasksPerTurn; i++) {
            Runnable task = mailbox.poll();
            if (task == null) {
                return;
            }
            stats.tasksRun++;
            turn.ranTask(task);
            observer.taskRunning(task);
            try {
                task.run();
            } catch (Exception e) {
                failureSink.failed(task instanceof Task t ? "task '" + t.name() + "'" : "task", e);
            }
        }
        tasksLeft = mailbox.depth() > 0;
    }

    private void runTimers() {
        stats.timersFired += timers.runDue(now);
    }
}
