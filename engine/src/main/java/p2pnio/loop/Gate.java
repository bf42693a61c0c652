package p2pnio.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Holds the loop between two turns and lets it go a turn at a time: step mode, for teaching and
 * for tests. {@link EventLoop#run} asks {@link #awaitTurn} before every turn: it returns at once
 * while the loop runs free (one volatile read). While paused, the loop thread waits there, between
 * turns, until a step is {@link #allow allowed}, the loop {@link #resume resumes} or it stops; its
 * sockets meanwhile keep queueing what arrives in the kernel, and its timers come due, to be seen
 * by the next turn. Pausing is the one time the loop thread waits on purpose.
 */
public final class Gate {

    private volatile boolean paused;
    private int allowed;
    private long maxWaitNanos = -1;
    private boolean waiting;
    private boolean released;
    private final List<CompletableFuture<Void>> whenHeld = new ArrayList<>();

    /**
     * Asks the loop to stop between its current turn and the next; any thread. The future
     * completes once the loop waits there (at once if it already does). The caller should then
     * wake the loop, in case it sleeps in {@code select} ({@link EventLoop#pause()} does).
     */
    public synchronized CompletableFuture<Void> pause() {
        paused = true;
        CompletableFuture<Void> held = new CompletableFuture<>();
        if (waiting) {
            held.complete(null);
        } else {
            whenHeld.add(held);
        }
        return held;
    }

    /** True while paused (even if the loop is running a step). */
    public boolean isPaused() {
        return paused;
    }

    /**
     * Lets a paused loop run {@code turns} more turns, each waiting in {@code select} at most
     * {@code maxWaitNanos} (-1: as long as the free loop would, until its next timer or event).
     */
    public synchronized void allow(int turns, long maxWaitNanos) {
        if (!paused) {
            throw new IllegalStateException("the loop is not paused");
        }
        allowed += turns;
        this.maxWaitNanos = maxWaitNanos;
        notifyAll();
    }

    /** Lets the loop run free again; any thread. */
    public synchronized void resume() {
        paused = false;
        allowed = 0;
        notifyAll();
    }

    /** The loop stops: nothing holds it any more. */
    synchronized void release() {
        released = true;
        notifyAll();
        whenHeld.forEach(f -> f.completeExceptionally(new IllegalStateException("the loop stopped")));
        whenHeld.clear();
    }

    /**
     * Loop thread, before each turn: returns at once while running free; while paused, waits for
     * a step, a resume or the stop. Returns how long the next turn may wait in {@code select}
     * (-1: as the free loop would).
     */
    long awaitTurn() throws InterruptedException {
        if (!paused) {
            return -1;
        }
        synchronized (this) {
            while (paused && allowed == 0 && !released) {
                waiting = true;
                whenHeld.forEach(f -> f.complete(null));
                whenHeld.clear();
                wait();
            }
            waiting = false;
            if (paused && allowed > 0) {
                allowed--;
                return maxWaitNanos;
            }
            return -1;
        }
    }
}
