package p2pnio.core;

import java.io.PrintStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The teaching trace: one line per thing the loop does, when switched on.
 *
 * <p>Costs one volatile read per call site when off (every call site is guarded by
 * {@link #on()}). When on, the loop only appends to a bounded lock-free queue; a writer thread of
 * its own prints the lines, so a slow terminal never stalls the loop. At most
 * {@code linesPerSecond} lines are kept each second, and at most {@code queueBound} wait at once;
 * the rest are counted and the writer says how many it left out.
 *
 * <p>Each line has a {@link Kind}. While a {@link Capture} is set (step mode) every line also goes
 * to it, on the loop thread, as it is made: {@link #on()} is then true even when printing is off.
 */
public final class Trace {

    /** What a line is about. */
    public enum Kind {
        /** What {@code select} returned when it returned no key. */
        SELECT,
        /** A key {@code select} reported ready, just before its handler runs. */
        READY,
        /** A state machine's transition. */
        MOVE,
        /** A task from the mailbox, just before it runs. */
        TASK,
        /** A timer, just before it runs. */
        TIMER,
        /** Anything else the loop does: datagrams, {@code transferTo}, accepts, closes. */
        NOTE
    }

    /** Receives every line as it is made, on the loop thread. */
    public interface Capture {
        void line(Kind kind, String text);
    }

    private static final int QUEUE_BOUND = 10_000;
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private volatile boolean on;
    private volatile boolean printing;
    private volatile Capture capture;
    private final PrintStream out;
    private final int linesPerSecond;
    private final Queue<String> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger suppressed = new AtomicInteger();
    private long windowStart;
    private int windowLines;
    private Thread writer;
    private volatile boolean closed;
    private volatile String tag = "";

    /**
     * @param out            where lines go (stderr, or a file)
     * @param linesPerSecond most lines kept per second
     */
    public Trace(PrintStream out, int linesPerSecond) {
        this.out = out;
        this.linesPerSecond = linesPerSecond;
    }

    /** True when tracing: guard every call with it, so nothing is built when off. */
    public boolean on() {
        return on;
    }

    /** Switches the printed trace on or off; any thread. */
    public synchronized void set(boolean enabled) {
        if (enabled && writer == null && !closed) {
            writer = new Thread(this::drain, "p2p-trace");
            writer.setDaemon(true);
            writer.start();
        }
        printing = enabled && !closed;
        on = printing || capture != null;
    }

    /** Hands every line to {@code to} as well (null to stop); the lines are made even when printing is off. */
    public synchronized void capture(Capture to) {
        capture = to;
        on = printing || to != null;
    }

    /** The node's name in every line: {@code host:port} once bound, empty before. */
    public String tag() {
        return tag;
    }

    /** Names the node in every line ({@code host:port}), once it is bound. */
    public void tag(String nodeAddress) {
        this.tag = nodeAddress;
    }

    /**
     * Adds a line (loop thread), stamped with the wall-clock time and the node's address. Never
     * blocks: over the bounds the line is counted and dropped.
     */
    public void line(String text) {
        line(Kind.NOTE, text);
    }

    /** Adds a line of {@code kind} (loop thread); see {@link #line(String)}. */
    public void line(Kind kind, String text) {
        Capture to = capture;
        if (to != null) {
            to.line(kind, text);
        }
        if (!printing) {
            return;
        }
        long now = System.nanoTime();
        if (now - windowStart > TimeUnit.SECONDS.toNanos(1)) {
            windowStart = now;
            windowLines = 0;
        }
        if (windowLines >= linesPerSecond || queued.get() >= QUEUE_BOUND) {
            suppressed.incrementAndGet();
            return;
        }
        windowLines++;
        queued.incrementAndGet();
        queue.offer(STAMP.format(java.time.LocalTime.now()) + " [" + tag + "] " + text);
        LockSupport.unpark(writer);
    }

    /** Lines left out so far because of the bounds. */
    public int suppressed() {
        return suppressed.get();
    }

    /** Prints what is queued and stops the writer. */
    public synchronized void close() {
        closed = true;
        printing = false;
        on = capture != null;
        if (writer != null) {
            LockSupport.unpark(writer);
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.flush();
    }

    private void drain() {
        int reported = 0;
        while (true) {
            String line;
            boolean wrote = false;
            while ((line = queue.poll()) != null) {
                queued.decrementAndGet();
                out.println(line);
                wrote = true;
            }
            int s = suppressed.get();
            if (s != reported) {
                out.println("trace: " + (s - reported) + " lines left out (over " + linesPerSecond + "/s)");
                reported = s;
                wrote = true;
            }
            if (wrote) {
                out.flush();
            }
            if (closed && queue.isEmpty()) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
