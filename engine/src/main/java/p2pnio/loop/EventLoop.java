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
 * <p>Each turn of the loop does three things, in the order of Redis's {@code aeProcessEvents}:
 * <ol>
 *   <li>{@code select} until the next timer is due (or a task arrives through the
 *       {@link Mailbox}), then run the {@link Handler} of every ready key, then the work set
 *       with {@link #afterHandlers} (the transfers' fair send round);</li>
 *   <li>run the tasks other threads posted;</li>
 *   <li>run the timers that are due.</li>
 * </ol>
 * A handler that throws is given {@link Handler#onFailure}; a task or timer that throws is
 * reported to the failure sink; the loop itself goes on. Only an error of the selector stops it.
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
    }

    private final Selector selector;
    private final Timers timers = new Timers();
    private final Mailbox mailbox;
    private final LongSupplier clock;
    private final LoopStats stats = new LoopStats();
    private volatile Thread thread;
    private volatile boolean stopping;
    private FailureSink failureSink = (what, e) -> { };
    private Observer observer = new Observer() { };
    private Runnable afterHandlers = () -> { };

    /** Where failures of tasks and timers go (never of the loop itself). */
    public interface FailureSink {
        void failed(String what, Exception cause);
    }

    /**
     * @param mailboxCapacity most tasks other threads may have queued at once
     * @param clock           monotonic nanoseconds; {@code System::nanoTime} outside tests
     */
    public EventLoop(int mailboxCapacity, LongSupplier clock) throws IOException {
        this.selector = Selector.open();
        this.mailbox = new Mailbox(mailboxCapacity, selector::wakeup);
        this.clock = clock;
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
     * only queued (the uploads that may send) is served there, in an order and amount of its own
     * choosing rather than the selector's. It must not throw; if it does, the failure is reported
     * and the loop goes on. Loop thread only.
     */
    public void afterHandlers(Runnable work) {
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

    /** The loop's clock, nanoseconds. */
    public long now() {
        return clock.getAsLong();
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
     * Runs the loop on the calling thread until {@link #stop()} is called from a task on the loop,
     * then closes the selector. {@code cleanup} runs on the loop, before the selector closes,
     * whether the loop stopped cleanly or failed.
     */
    public void run(Runnable cleanup) throws IOException {
        thread = Thread.currentThread();
        try {
            while (!stopping) {
                turn();
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

    private void turn() throws IOException {
        long waitNanos = timers.nanosUntilNext(now());
        long before = clock.getAsLong();
        int ready;
        if (waitNanos == 0 || !mailbox.beforeSleep()) {
            ready = selector.selectNow();
        } else if (waitNanos < 0) {
            ready = selector.select();
        } else {
            // select takes milliseconds and 0 means "forever": round up so a timer 0.3 ms away still wakes us.
            ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        mailbox.afterSleep();
        long afterSelect = clock.getAsLong();
        stats.selectNanos += afterSelect - before;
        stats.turns++;
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
        long handlersTook = clock.getAsLong() - afterSelect;
        stats.handlerNanos += handlersTook;
        stats.longestTurnNanos = Math.max(stats.longestTurnNanos, handlersTook);
    }

    private void dispatchReadyKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Handler handler = (Handler) key.attachment();
            try {
                if (key.isValid()) {
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
            try {
                task.run();
            } catch (Exception e) {
                failureSink.failed("task", e);
            }
        }
    }

    private void runTimers() {
        long now = clock.getAsLong();
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
