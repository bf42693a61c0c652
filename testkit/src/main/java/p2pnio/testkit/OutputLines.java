package p2pnio.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The output of a child process (a node, a shell), read line by line on a daemon thread as it
 * comes, so that a test can wait, with a deadline, for the line it expects. A wait fails at once
 * when the output has ended without the line, and its message shows the last lines printed.
 */
public final class OutputLines {

    private final String name;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private OutputLines(String name) {
        this.name = name;
    }

    /** Starts collecting {@code output} (a process's standard output); {@code name} appears in failures. */
    public static OutputLines collect(InputStream output, String name) {
        OutputLines out = new OutputLines(name);
        Thread reader = new Thread(() -> out.read(output), name + "-output");
        reader.setDaemon(true);
        reader.start();
        return out;
    }

    private void read(InputStream output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                synchronized (lines) {
                    lines.add(l);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended and its pipe with it: that is the end of the output
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    /** Every line so far. */
    public List<String> snapshot() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Every line so far, joined by newlines. */
    public String text() {
        return String.join("\n", snapshot());
    }

    /** How many lines so far match. */
    public int count(Predicate<String> match) {
        synchronized (lines) {
            return (int) lines.stream().filter(match).count();
        }
    }

    /** The first line that matches, once it has been printed; fails after {@code timeout} or at the end of the output. */
    public String await(Predicate<String> match, Duration timeout) throws InterruptedException {
        return awaitCount(match, 1, timeout).get(0);
    }

    /** The first {@code count} lines that match, once they have been printed. */
    public List<String> awaitCount(Predicate<String> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> hits = lines.stream().filter(match).limit(count).toList();
                if (hits.size() >= count) {
                    return hits;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || ended) {
                    throw new AssertionError(name + ": " + hits.size() + " of " + count + " expected lines "
                            + (ended ? "before its output ended" : "within " + timeout) + "; last lines:\n  "
                            + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
                }
                lines.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
        }
    }

    /** Waits until the output has ended (the process closed it), at most {@code timeout}; returns whether it has. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lines.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
            }
            return true;
        }
    }
}
