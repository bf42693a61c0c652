package p2pnio.share;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Task;

/**
 * Checks a download's bytes against the SHA-256 its answer carried, on a thread of its own (the
 * node's {@code p2p-verify}), never on the loop.
 *
 * <p>The bytes are read back from the partial file (the page cache holds them: the loop has just
 * written them), so the loop hands over no buffers and does no hashing. The thread reads them in
 * chunks of {@value #CHUNK} bytes into a direct buffer of its own (a heap buffer would cost one
 * more copy: the JDK reads into a direct buffer and copies), so each byte is copied once from the
 * page cache before SHA-256 reads it ({@link Digests#update}). Two ways, measured side by side in
 * {@code VerifyBenchmark} (BENCHMARKS.md):
 * <ul>
 *   <li><b>while receiving</b> (the default): the loop tells {@link #written} how far the file is
 *       written and wakes the thread once at least {@value #CHUNK} more bytes are there (not once
 *       per socket read: a wake-up costs both threads a system call and a context switch); the
 *       thread hashes up to there, in turns of at most {@value #TURN_BYTES} bytes so several
 *       downloads share it, and at the last byte only the tail is left;</li>
 *   <li><b>after the last byte</b>: the thread reads and hashes the whole file at {@link #finish}.</li>
 * </ul>
 * Hashing the prefix of the file in order keeps one {@link MessageDigest}; a download written in
 * ranges (issue 12) calls {@link #written} with its contiguous prefix, or uses the second way.
 *
 * <p>Handing the loop's filled buffers over instead of reading the bytes back was built and
 * measured (docs/bench/analysis.md, benchmark 8): it did not lower the verify thread's CPU (the
 * bytes cross from the loop's core to the thread's either way), and it was taken out.
 *
 * <p>{@link #written}, {@link #finish} and {@link #cancel}: loop thread. The rest runs on the
 * verify thread, one job at a time.
 */
public final class Verifier {

    /** What the check found, on the loop: the digest of what arrived, or why it could not be read. */
    @FunctionalInterface
    public interface Outcome {
        void checked(String actualSha256, IOException failure);
    }

    private static final int CHUNK = 1 << 20;
    private static final long TURN_BYTES = 8L << 20;
    private final Path part;
    private final EventLoop loop;
    private final Executor thread;
    private final boolean whileReceiving;
    private final java.util.function.Consumer<IOException> quiet;
    /** Bytes [0, written) are in the file; the loop raises it. */
    private volatile long written;
    /** Loop thread: {@link #written} when the thread was last woken to catch up. */
    private long wokenAt;
    /** A catch-up job is queued or running. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean cancelled;
    private final Runnable catchUp = this::catchUp;
    // verify thread only
    private final MessageDigest sha = Digests.sha256();
    private FileChannel in;
    private long hashed;
    private boolean done;

    /**
     * @param part           the partial file being written
     * @param whileReceiving hash as bytes arrive (else all at {@link #finish})
     * @param quiet          hears, on the loop, of a failure that changes nothing (closing the read channel)
     */
    public Verifier(Path part, EventLoop loop, Executor thread, boolean whileReceiving,
                    java.util.function.Consumer<IOException> quiet) {
        this.quiet = quiet;
        this.part = part;
        this.loop = loop;
        this.thread = thread;
        this.whileReceiving = whileReceiving;
    }

    /**
     * The first {@code bytes} bytes are in the file. Loop thread; wakes the verify thread when at
     * least {@value #CHUNK} bytes came since it was last woken (a busy thread reads {@link #written}
     * again when its turn ends, and {@link #finish} covers the tail); allocates nothing but then.
     */
    public void written(long bytes) {
        written = bytes;
        if (whileReceiving && bytes - wokenAt >= CHUNK && !queued.getAndSet(true)) {
            wokenAt = bytes;
            thread.execute(catchUp);
        }
    }

    /** Every one of {@code size} bytes is in the file: hash what is left, then tell {@code outcome} on the loop. */
    public void finish(long size, Outcome outcome) {
        written = size;
        thread.execute(() -> {
            String actual = null;
            IOException failure = null;
            try {
                hashUpTo(size, Long.MAX_VALUE);
                actual = HexFormat.of().formatHex(sha.digest());
            } catch (IOException e) {
                failure = e;
            } finally {
                done = true;
                closeIn();
            }
            String a = actual;
            IOException f = failure;
            loop.executeAlways(Task.of("verified " + part.getFileName(), () -> {
                if (!cancelled) {
                    outcome.checked(a, f);
                }
            }));
        });
    }

    /** The download failed: stop hashing it (its file is being deleted). Loop thread. */
    public void cancel() {
        cancelled = true;
        thread.execute(() -> {
            done = true;
            closeIn();
        });
    }

    private void catchUp() {
        queued.set(false);
        if (done || cancelled) {
            return;
        }
        try {
            long w = written;
            hashUpTo(w - w % CHUNK, TURN_BYTES); // whole chunks: reads of CHUNK bytes; finish hashes the tail
            if (written - hashed >= CHUNK && !queued.getAndSet(true)) {
                thread.execute(catchUp); // a chunk more arrived, or this turn's share is used: others go first
            }
        } catch (IOException e) {
            // the file went away: the download failed (cancel stops this), or finish reports it
            closeIn();
        }
    }

    /** Hashes from where it stopped up to {@code target}, at most {@code budget} bytes. Verify thread. */
    private void hashUpTo(long target, long budget) throws IOException {
        if (in == null) {
            in = FileChannel.open(part, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        long stop = target - hashed <= budget ? target : hashed + budget; // (hashed + budget may overflow)
        try {
            hashed = Digests.update(sha, in, hashed, stop, () -> cancelled);
        } catch (IOException e) {
            throw new IOException(part.getFileName() + ": " + e.getMessage() + " (" + target + " expected)", e);
        }
    }

    private void closeIn() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                loop.executeAlways(Task.of("close the verifier's channel", () -> quiet.accept(e)));
            }
            in = null;
        }
    }
}
