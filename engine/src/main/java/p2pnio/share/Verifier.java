package p2pnio.share;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * written them), so the loop hands over no buffers and does no hashing. Two ways, measured side
 * by side in {@code VerifyBenchmark} (BENCHMARKS.md):
 * <ul>
 *   <li><b>while receiving</b> (the default): the loop tells {@link #written} how far the file is
 *       written; the thread hashes up to there, in turns of at most {@value #TURN_BYTES} bytes so
 *       several downloads share it, and at the last byte only the tail is left;</li>
 *   <li><b>after the last byte</b>: the thread reads and hashes the whole file at {@link #finish}.</li>
 * </ul>
 * Hashing the prefix of the file in order keeps one {@link MessageDigest}; a download written in
 * ranges (issue 12) calls {@link #written} with its contiguous prefix, or uses the second way.
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
    /**
     * The read buffer, one per verify thread for its life, shared by every download it checks: a
     * verifier is made on the loop for each download, and a buffer of its own (1 MiB, for a file of
     * any size) was garbage the loop made per download, a hundred MiB for a hundred small ones.
     */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(CHUNK));

    private final Path part;
    private final EventLoop loop;
    private final Executor thread;
    private final boolean whileReceiving;
    private final java.util.function.Consumer<IOException> quiet;
    /** Bytes [0, written) are in the file; the loop raises it. */
    private volatile long written;
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

    /** The first {@code bytes} bytes are in the file. Loop thread; allocates nothing but when the thread was idle. */
    public void written(long bytes) {
        written = bytes;
        if (whileReceiving && !queued.getAndSet(true)) {
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
            long target = written;
            hashUpTo(target, TURN_BYTES);
            if (hashed < written && !queued.getAndSet(true)) {
                thread.execute(catchUp); // more arrived, or this turn's share is used: others go first
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
        ByteBuffer buf = BUFFER.get();
        while (hashed < stop && !cancelled) {
            buf.clear();
            buf.limit((int) Math.min(CHUNK, stop - hashed));
            int n = in.read(buf, hashed);
            if (n < 0) {
                throw new IOException(part.getFileName() + " ends at " + hashed + " bytes, " + target + " expected");
            }
            buf.flip();
            sha.update(buf);
            hashed += n;
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
