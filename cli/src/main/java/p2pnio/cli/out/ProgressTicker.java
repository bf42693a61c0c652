package p2pnio.cli.out;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Redraws the progress lines of some downloads on an output, four times a second at most and
 * only when what they show has changed, on a daemon thread of its own (never the loop's, never
 * the event thread). Closing it stops the redraws and hides the lines.
 */
public final class ProgressTicker implements AutoCloseable {

    /** Time between two redraws. */
    public static final long PERIOD_MILLIS = 250;

    private final Downloads downloads;
    private final Output out;
    private final ScheduledExecutorService timer;
    private List<String> shown = List.of();

    private ProgressTicker(Downloads downloads, Output out) {
        this.downloads = downloads;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2p-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts redrawing the progress of {@code downloads} on {@code out}. */
    public static ProgressTicker start(Downloads downloads, Output out) {
        ProgressTicker ticker = new ProgressTicker(downloads, out);
        ticker.timer.scheduleAtFixedRate(ticker::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return ticker;
    }

    private synchronized void tick() {
        List<String> lines = downloads.progressLines();
        if (!lines.equals(shown)) {
            shown = lines;
            try {
                out.progress(lines);
            } catch (RuntimeException e) {
                out.print("progress line failed: " + e);
            }
        }
    }

    /** Stops redrawing and hides the progress lines. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            shown = List.of();
            out.progress(shown);
        }
    }
}
