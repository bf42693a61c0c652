package p2pnio.cli.out;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import p2pnio.NodeEvent;

/**
 * The downloads being watched and how far each one is, fed by the node's events: first what it
 * waits for (the peers asked, the retries, who answered), then bytes, percentage, rate and ETA.
 * The shell's status line and {@code get}'s progress bar are both drawn from here, and at the end
 * of piped input the shell waits until it is empty. Thread-safe.
 *
 * <p>A download may come from several peers at once: its sources are the peers of its
 * {@code DownloadStarted} events, or the {@code sources} one such event counts (one download from
 * several peers, issue #12), and its bytes the engine's total in its latest
 * {@code DownloadProgress}, so a line shows their sum and says {@code from 3 peers}.
 *
 * <p>The rate is that of the last {@value #RATE_WINDOW_SECONDS} seconds (so the ETA follows a
 * transfer that speeds up or stalls), measured on the clock it is given.
 */
public final class Downloads {

    static final int RATE_WINDOW_SECONDS = 3;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(RATE_WINDOW_SECONDS);
    private static final long MIN_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int BAR_CELLS = 20;

    private final LongSupplier nanoClock;
    private final Map<String, Watch> running = new LinkedHashMap<>();
    private int failed;

    /** One download: its phase until the header arrives, then its bytes and recent samples. */
    private static final class Watch {
        final long askedAt;
        String waitingFor = "waiting for an answer";
        long size = -1;
        long received;
        long elapsedNanos;
        final Set<String> sources = new LinkedHashSet<>();
        /** Most sources one {@code DownloadStarted} counted. */
        int sourceCount;
        final ArrayDeque<long[]> samples = new ArrayDeque<>(); // {clock nanos, received}

        Watch(long askedAt) {
            this.askedAt = askedAt;
        }
    }

    /** Downloads timed by {@link System#nanoTime()}. */
    public Downloads() {
        this(System::nanoTime);
    }

    /** Downloads timed by {@code nanoClock} (tests move it by hand). */
    public Downloads(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Starts watching {@code name} (the user asked for it). */
    public synchronized void started(String name) {
        running.putIfAbsent(name, new Watch(nanoClock.getAsLong()));
    }

    /** Updates from an event; true if it ended one of the watched downloads. */
    public synchronized boolean on(NodeEvent event) {
        if (event instanceof NodeEvent.RequestSent e && running.containsKey(e.name())) {
            running.get(e.name()).waitingFor = (e.attempt() <= 1 ? "asked " : "asked again (try " + e.attempt() + "), ")
                    + e.peers() + (e.peers() == 1 ? " peer" : " peers") + ", waiting for an answer";
        } else if (event instanceof NodeEvent.RequestAnswered e && running.containsKey(e.name())) {
            running.get(e.name()).waitingFor = e.peer() + " has it, connecting";
        } else if (event instanceof NodeEvent.DownloadStarted e && running.containsKey(e.name())) {
            Watch w = running.get(e.name());
            w.size = e.size();
            w.sources.add(e.peer());
            w.sourceCount = Math.max(w.sourceCount, e.sources());
            w.samples.add(new long[] {nanoClock.getAsLong(), w.received});
        } else if (event instanceof NodeEvent.DownloadProgress e && running.containsKey(e.name())) {
            Watch w = running.get(e.name());
            w.size = e.size();
            w.received = e.received();
            w.elapsedNanos = e.elapsedNanos();
            w.samples.add(new long[] {nanoClock.getAsLong(), e.received()});
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

    /** How many of the watched downloads failed. */
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

    /**
     * One line per running download: {@code  name: asked 2 peers, waiting for an answer (4 s)}
     * before its first byte, then
     * {@code  name [#########...........]  45%  1.4 MiB / 3.0 MiB  2.1 MiB/s  ETA 0.8 s  from 127.0.0.1:1379}.
     */
    public synchronized List<String> progressLines() {
        long now = nanoClock.getAsLong();
        List<String> lines = new ArrayList<>();
        running.forEach((name, w) -> lines.add(w.size < 0 ? waitingLine(name, w, now) : progressLine(name, w, now)));
        return lines;
    }

    private static String waitingLine(String name, Watch w, long now) {
        return "  " + name + ": " + w.waitingFor + " (" + Math.round((now - w.askedAt) / 1e9) + " s)";
    }

    private static String progressLine(String name, Watch w, long now) {
        double rate = rate(w, now);
        double pct = w.size == 0 ? 100 : 100.0 * w.received / w.size;
        String eta = rate > 0 ? "ETA " + Text.seconds((w.size - w.received) / rate)
                : w.received > 0 ? "stalled" : "ETA ?";
        int peers = Math.max(w.sources.size(), w.sourceCount);
        String from = peers == 1 ? "from " + w.sources.iterator().next() : "from " + peers + " peers";
        return String.format(Locale.ROOT, "  %s %s %3.0f%%  %s / %s  %s  %s  %s", name, bar(pct), pct,
                Text.bytes(w.received), Text.bytes(w.size), Text.rate(rate), eta, from);
    }

    /** Bytes per second over the last window; the mean since the header while the window is too short. */
    private static double rate(Watch w, long now) {
        while (w.samples.size() > 1 && now - w.samples.peekFirst()[0] > WINDOW_NANOS) {
            w.samples.pollFirst();
        }
        long[] first = w.samples.peekFirst();
        long span = first == null ? 0 : now - first[0];
        if (first == null || (span < MIN_SPAN_NANOS && w.elapsedNanos > 0)) {
            return w.elapsedNanos > 0 ? w.received * 1e9 / w.elapsedNanos : 0;
        }
        return span <= 0 ? 0 : (w.received - first[1]) * 1e9 / span;
    }

    private static String bar(double pct) {
        int filled = Math.max(0, Math.min(BAR_CELLS, (int) Math.round(pct * BAR_CELLS / 100)));
        return "[" + "#".repeat(filled) + ".".repeat(BAR_CELLS - filled) + "]";
    }
}
