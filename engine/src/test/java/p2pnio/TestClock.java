package p2pnio;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock a test moves by hand, for nodes started on it: their timers (delays, deadlines,
 * timeouts, discovery rounds, the index's rescan limit) fire when the test says time has passed,
 * not after real seconds. Time stands still until {@link #advance}.
 */
public final class TestClock implements LongSupplier {

    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    @Override
    public long getAsLong() {
        return now.get();
    }

    /** Starts a node on this clock. */
    public Node start(NodeConfig config, NodeListener listener) throws IOException {
        return start(config, listener, System.err);
    }

    /**
     * Starts a node on this clock that traces (when asked to) to {@code traceOut}, and returns once
     * its first scan of the folder is done: a look-up that missed before it would wait for the
     * index's next rescan, which comes only when the test moves this clock.
     */
    public Node start(NodeConfig config, NodeListener listener, PrintStream traceOut) throws IOException {
        Node node = Node.start(config, listener, traceOut, this);
        nodes.add(node);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (node.query("scans done", NodeCore::scansDone).get(10, TimeUnit.SECONDS) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the node's first scan of " + config.folder() + " did not finish in 10 s");
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            node.close();
            throw new AssertionError("the node did not build its index", e);
        }
        return node;
    }

    /**
     * Moves the clock on by {@code by} without waiting for anyone: for paused nodes, whose timers
     * then run in their next step.
     */
    public void moveWhilePaused(Duration by) {
        now.addAndGet(by.toNanos());
    }

    /**
     * Moves the clock on by {@code by} and returns once every running node on it has taken a turn
     * at the new time and run the timers that came due (the events they emit may still be on their
     * way to the listener).
     */
    public void advance(Duration by) {
        long to = now.addAndGet(by.toNanos());
        for (Node n : nodes) {
            if (n.stopped().isDone()) {
                continue;
            }
            try {
                n.timersRanAt(to).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (!n.stopped().isDone()) {
                    throw new AssertionError("node " + n.address() + " did not run its timers due at +" + by, e);
                }
            }
        }
    }

    /**
     * The outcome (finished or failed) of {@code name} in {@code events}, moving this clock on by
     * 50 ms every 20 ms of real time meanwhile: an answer from one of our nodes that announces
     * {@code range} waits {@link p2pnio.NodeConfig#gather()} on the node's clock for other
     * peers holding the same bytes before its download starts, and on a clock that stands still
     * it would wait for ever.
     */
    public NodeEvent outcomeWhileMoving(Recorder events, String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (NodeEvent e : events.events()) {
                if ((e instanceof NodeEvent.DownloadFinished f && f.name().equals(name))
                        || (e instanceof NodeEvent.DownloadFailed x && x.name().equals(name))) {
                    return e;
                }
            }
            advance(Duration.ofMillis(50));
            Thread.sleep(20);
        }
        throw new AssertionError("no outcome for " + name + " within " + timeout + "; events: " + events.events());
    }
}
