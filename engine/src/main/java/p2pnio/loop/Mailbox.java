package p2pnio.loop;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How other threads hand work to the loop: a lock-free, bounded, many-producer queue and a
 * wake-up that costs one {@code Selector.wakeup()} per burst, not one per task.
 *
 * <p>The loop calls {@link #beforeSleep()} before it blocks in {@code select} and
 * {@link #afterSleep()} when it wakes. A producer wakes the selector only when it is the first to
 * see the loop asleep (a compare-and-set on one flag), the rule Netty's {@code NioEventLoop}
 * follows. Because the flag is raised before the loop checks the queue one last time, a task
 * offered at any moment either is seen by that check or wakes the selector.
 *
 * <p>When the loop stops it {@link #close closes} the mailbox: every task still queued is handed
 * back to be rejected, and a task offered after that is refused, so none is ever silently lost.
 */
public final class Mailbox {

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger depth = new AtomicInteger();
    private final AtomicBoolean asleep = new AtomicBoolean();
    private final AtomicInteger wakeups = new AtomicInteger();
    private volatile boolean closed;
    private final int capacity;
    private final Runnable wakeup;

    /**
     * @param capacity most tasks waiting at once; {@link #offer} refuses beyond it
     * @param wakeup   what wakes the loop, normally {@code selector::wakeup}
     */
    public Mailbox(int capacity, Runnable wakeup) {
        this.capacity = capacity;
        this.wakeup = wakeup;
    }

    /**
     * Queues {@code task} for the loop and wakes it if it sleeps. Returns false (and queues
     * nothing) when the mailbox is full.
     */
    public boolean offer(Runnable task) {
        if (closed) {
            return false;
        }
        if (depth.incrementAndGet() > capacity) {
            depth.decrementAndGet();
            return false;
        }
        return enqueue(task);
    }

    /**
     * Queues a task even when the mailbox is full: for shutdown and the engine's own
     * continuations, which must always get through. False only once the mailbox is closed.
     */
    public boolean force(Runnable task) {
        if (closed) {
            return false;
        }
        depth.incrementAndGet();
        return enqueue(task);
    }

    private boolean enqueue(Runnable task) {
        queue.offer(task);
        if (closed && queue.remove(task)) {
            // Lost the race with close(): take it back, so that the caller knows it was refused.
            depth.decrementAndGet();
            return false;
        }
        if (asleep.compareAndSet(true, false)) {
            wakeups.incrementAndGet();
            wakeup.run();
        }
        return true;
    }

    /** Loop thread: about to block. Returns true if it may: no task is waiting. */
    public boolean beforeSleep() {
        asleep.set(true);
        if (!queue.isEmpty()) {
            asleep.set(false);
            return false;
        }
        return true;
    }

    /** Loop thread: woke up (for whatever reason); producers need not wake it until it sleeps again. */
    public void afterSleep() {
        asleep.set(false);
    }

    /** Loop thread: takes the next task, or null when none waits. */
    public Runnable poll() {
        Runnable task = queue.poll();
        if (task != null) {
            depth.decrementAndGet();
        }
        return task;
    }

    /**
     * Loop thread, at shutdown: refuses every later offer and hands each task still queued to
     * {@code rejected}. Returns how many there were. A task offered while this runs is either
     * handed over here or refused to its poster, never both, never neither.
     */
    int close(Consumer<Runnable> rejected) {
        closed = true;
        int n = 0;
        for (Runnable task; (task = poll()) != null; n++) {
            rejected.accept(task);
        }
        return n;
    }

    /** Tasks waiting now. */
    public int depth() {
        return Math.max(0, depth.get());
    }

    /** How many times a producer woke the selector. */
    public int wakeups() {
        return wakeups.get();
    }
}
