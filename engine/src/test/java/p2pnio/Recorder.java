package p2pnio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A listener that keeps every event and lets a test wait, with a deadline, for one to arrive. */
public final class Recorder implements NodeListener {

    private final List<NodeEvent> events = new ArrayList<>();

    /** A recorder that has heard nothing yet. */
    public Recorder() {
    }

    @Override
    public synchronized void onEvent(NodeEvent event) {
        events.add(event);
        notifyAll();
    }

    /** Every event so far. */
    public synchronized List<NodeEvent> events() {
        return new ArrayList<>(events);
    }

    /** Events of one type so far. */
    public synchronized <T extends NodeEvent> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (NodeEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Waits for the first event of {@code type} matching {@code match}; fails after {@code timeout}. */
    public synchronized <T extends NodeEvent> T await(Class<T> type, Predicate<T> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < events.size(); seen++) {
                NodeEvent e = events.get(seen);
                if (type.isInstance(e) && match.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " matching within " + timeout
                        + "; events: " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits for the download of {@code name} to finish or fail, and returns which. */
    public NodeEvent awaitOutcome(String name, Duration timeout) throws InterruptedException {
        return await(NodeEvent.class, e -> (e instanceof NodeEvent.DownloadFinished f && f.name().equals(name))
                || (e instanceof NodeEvent.DownloadFailed x && x.name().equals(name)), timeout);
    }
}
