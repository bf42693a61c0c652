package p2pnio.cli.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import p2pnio.NodeEvent;
import p2pnio.cli.Text;

/**
 * The downloads this shell started and how far each one is, fed by the node's events. The
 * progress lines are drawn from here; at the end of piped input the shell waits until it is empty.
 * Thread-safe.
 */
public final class Downloads {

    private final Map<String, Progress> running = new LinkedHashMap<>();
    private int failed;

    private record Progress(long received, long size, long elapsedNanos) { }

    /** The shell asked for {@code name}. */
    public synchronized void started(String name) {
        running.putIfAbsent(name, new Progress(0, -1, 0));
    }

    /** Updates from an event; true if it ended one of our downloads. */
    public synchronized boolean on(NodeEvent event) {
        if (event instanceof NodeEvent.DownloadStarted e && running.containsKey(e.name())) {
            running.put(e.name(), new Progress(0, e.size(), 0));
        } else if (event instanceof NodeEvent.DownloadProgress e && running.containsKey(e.name())) {
            running.put(e.name(), new Progress(e.received(), e.size(), e.elapsedNanos()));
        } else if (event instanceof NodeEvent.DownloadFinished e) {
            return end(e.name());
        } else if (event instanceof NodeEvent.DownloadFailed e) {
            boolean ours = end(e.name());
            failed += ours ? 1 : 0;
            return ours;
        }
        return false;
    }

    private boolean end(String name) {
        boolean ours = running.remove(name) != null;
        notifyAll();
        return ours;
    }

    /** How many of the shell's downloads failed. */
    public synchronized int failed() {
        return failed;
    }

    /** Names still running. */
    public synchronized List<String> names() {
        return new ArrayList<>(running.keySet());
    }

    /** Waits until every download has ended, or {@code millis} have passed; true if all ended. */
    public synchronized boolean awaitAll(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!running.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** One progress line per download that has begun receiving: name, percentage, rate, ETA. */
    public synchronized List<String> progressLines() {
        List<String> lines = new ArrayList<>();
        running.forEach((name, p) -> {
            if (p.size < 0) {
                lines.add(String.format(Locale.ROOT, "  %s: waiting for an answer", name));
                return;
            }
            double seconds = p.elapsedNanos / 1e9;
            double rate = seconds > 0 ? p.received / seconds : 0;
            double pct = p.size == 0 ? 100 : 100.0 * p.received / p.size;
            String eta = rate > 0 ? Text.seconds((p.size - p.received) / rate) : "?";
            lines.add(String.format(Locale.ROOT, "  %s %s %3.0f%%  %s / %s  %s  ETA %s", name, bar(pct), pct,
                    Text.bytes(p.received), Text.bytes(p.size), Text.rate(rate), eta));
        });
        return lines;
    }

    private static String bar(double pct) {
        int filled = (int) Math.round(pct / 5);
        return "[" + "#".repeat(Math.max(0, Math.min(20, filled))) + ".".repeat(Math.max(0, 20 - filled)) + "]";
    }
}
