package p2pnio.loop;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One thread, one {@link Selector}: the whole I/O side of a node.
 *
 * <p>{@link #runOnce} is one turn of the loop, in the order of Redis's {@code aeProcessEvents}:
 * <ol>
 *   <li>{@code select} until the next timer is due, or a task arrives through the
 *       {@link Mailbox} (or not at all, when told not to block);</li>
 *   <li>read the clock, once: every handler, task and timer of the turn sees that one time;</li>
 *   <li>run the {@link Handler} of every ready key, then the work set with
 *       {@link #afterHandlers} (the transfers' fair send round);</li>
 *   <li>run the tasks other threads posted;</li>
 *   <li>run the timers that are due.</li>
 * </ol>
 * It returns what the turn did (a {@link Turn}). {@link #run} is a loop around it. A handler
 * that throws is given {@link Handler#onFailure}; a task or timer that throws is reported to the
 * failure sink; the loop itself goes on. Only an error of the selector stops it.
 *
 * <p>Every method that touches a channel must run on the loop thread: {@link #checkInLoop()}
 * asserts it, and the tests use it.
 */
public final class EventLoop {

    /** Hears what each turn of the loop did; used for the trace. Runs on the loop thread. */
    public interface Observer {
        /**
         * {@code select} returned with {@code ready} keys, which {@code keys} iterates; 0 when a
         * timer came due or another thread woke the selector.
         */
        default void selected(int ready, Iterable<SelectionKey> keys) { }

        /** A timer is about to run. */
        default void timerFired(Timers.Timer timer) { }

        /** The turn is over; {@code turn} says what it did (valid until the next turn). */
        default void turnEnded(Turn turn) { }
    }

    /** Where failures of tasks and timers go (never of the loop itself). */
    public interface FailureSink {
        void failed(String what, Exception cause);
    }

    private final Selector selector;
    private final Timers timers = new Timers();
    private final Mailbox mailbox;
    /** The loop's time, nanoseconds; null for the real {@code System.nanoTime()}. */
    private final LongSupplier clock;
    private final LoopStats stats = new LoopStats();
    private final Turn turn = new Turn();
    private volatile Thread thread;
    private volatile boolean stopping;
    /** The current turn's time: read once per turn, seen by everything the turn runs. */
    private long now;
    private FailureSink failureSink = (what, e) -> { };
    private Observer observer = new Observer() { };
    private Work afterHandlers = new Work() { };

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
        timers.onFire(timer -> {
            turn.firedTimer(timer);
            observer.timerFired(timer);
        });
    }

    /** Sets where failures of posted tasks and timers are reported. */
    public void onFailure(FailureSink sink) {
        this.failureSink = sink;
    }

    /** Sets who hears of every select; set it to trace. */
    public void observe(Observer observer) {
        this.observer = observer;
    }

    /**
     * Sets work that runs once every turn, right after the ready keys' handlers: what the handlers
     * only queued (the uploads that may send) is served there. While it has more, no turn waits in
     * {@code select}: the work is not a socket the selector could report. Loop thread only.
     */
    public void afterHandlers(Work work) {
        checkInLoop();
        this.afterHandlers = work;
    }

    /** Registers {@code channel} (already non-blocking) with {@code handler} as its attachment. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler)
            throws ClosedChannelException {
        checkInLoop();
        return channel.register(selector, ops, handler);
    }

    /** Queues a task from any thread; false when the mailbox is full or the loop is stopping. */
    public boolean execute(Runnable task) {
        return !stopping && mailbox.offer(task);
    }

    /**
     * Queues a task from any thread even when the mailbox is full: for the engine's own
     * continuations (an index scan finished, a name resolved), which must not be lost.
     */
    public void executeAlways(Runnable task) {
        mailbox.force(task);
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
                runOnce(true);
            }
        } finally {
            stopping = true;
            try {
                cleanup.run();
            } finally {
                mailbox.drainDiscarding();
                selector.close();
            }
        }
    }

    /** Asks the loop to stop after the current turn. Any thread. */
    public void stop() {
        stopping = true;
        mailbox.force(() -> { });
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
        claimThread();
        long beforeSelect = System.nanoTime();
        boolean mayWait = canBlock && !afterHandlers.hasMore();
        int ready = select(mayWait ? timers.nanosUntilNext(clock == null ? beforeSelect : clock.getAsLong()) : 0);
        long started = System.nanoTime();
        now = clock == null ? started : clock.getAsLong();
        turn.begin(++stats.turns, now, ready, started - beforeSelect);
        stats.selectNanos += started - beforeSelect;
        stats.keysReady += ready;
        observer.selected(ready, selector.selectedKeys());
        if (ready > 0) {
            dispatchReadyKeys();
        }
        try {
            afterHandlers.run();
        } catch (Exception e) {
            failureSink.failed("work after the handlers", e);
        }
        runTasks();
        runTimers();
        long took = System.nanoTime() - started;
        turn.end(took);
        stats.handlerNanos += took;
        stats.longestTurnNanos = Math.max(stats.longestTurnNanos, took);
        observer.turnEnded(turn);
        return turn;
    }

    private void claimThread() {
        Thread me = Thread.currentThread();
        if (thread == null) {
            thread = me;
        } else if (thread != me) {
            throw new IllegalStateException("the loop runs on " + thread.getName() + ", not on " + me.getName());
        }
    }

    /** Waits in select at most {@code waitNanos} (0: not at all, -1: until woken); returns the keys ready. */
    private int select(long waitNanos) throws IOException {
        int ready;
        if (waitNanos == 0 || !mailbox.beforeSleep()) {
            ready = selector.selectNow();
        } else if (waitNanos < 0) {
            stats.sleeps++;
            ready = selector.select();
        } else {
            stats.sleeps++;
            // select takes milliseconds and 0 means "forever": round up so a timer 0.3 ms away still wakes us.
            ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        mailbox.afterSleep();
        return ready;
    }

    private void dispatchReadyKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Handler handler = (Handler) key.attachment();
            try {
                if (key.isValid()) {
                    turn.handled(handler);
                    handler.onReady(key);
                }
            } catch (Exception e) {
                stats.handlerFailures++;
                try {
                    handler.onFailure(e);
                } catch (Exception again) {
                    failureSink.failed("onFailure of " + handler, again);
                }
            }
        }
    }

    private void runTasks() {
        // Drain what is there now, not what keeps arriving, so a flood of posts cannot starve I/O.
        int budget = Math.max(64, mailbox.depth());
        for (int i = 0; i < budget; i++) {
            Runnable task = mailbox.poll();
            if (task == null) {
                return;
            }
            stats.tasksRun++;
            turn.ranTask(task);
            try {
                task.run();
            } catch (Exception e) {
                failureSink.failed("task", e);
            }
        }
    }

    private void runTimers() {
        int ran;
        try {
            ran = timers.runDue(now);
        } catch (Exception e) {
            // The timer that threw is already off the heap; the others run next turn.
            stats.timersFired++;
            failureSink.failed("timer", e);
            return;
        }
        stats.timersFired += ran;
    }
}
