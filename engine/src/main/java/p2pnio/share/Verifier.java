package p2pnio.share;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Task;

/**
 * Checks a download's bytes against the SHA-256 its answer carried, on a thread of its own (the
 * node's {@code p2p-verify}), never on the loop.
 *
 * <p>Two ways, measured side by side in {@code VerifyBenchmark} (BENCHMARKS.md):
 * <ul>
 *   <li><b>while receiving</b> (the default): the loop reads the body from the socket straight into
 *       a buffer taken from the node's {@link Buffers} (as large as its own read buffer), writes
 *       each read to the file from it, and hands the buffer to the verify thread once it is full
 *       (and the last one at the last byte), which hashes it and gives it back: the bytes are
 *       hashed from the buffer the socket filled, never read back, and the loop copies nothing
 *       more than before. The loop wakes the thread once per {@value #CHUNK} bytes handed over (not
 *       once per socket read: a wake-up costs both threads a system call and a context switch), and
 *       the thread hashes in turns of about {@value #TURN_BYTES} bytes so several downloads share
 *       it. The loop never waits for a buffer: when none is free (the thread is behind by all of
 *       them, or other downloads hold them), it reads into its own buffer as without verification,
 *       and the thread reads those bytes back from the partial file (the page cache holds them)
 *       when it gets to them, in order;</li>
 *   <li><b>after the last byte</b>: the thread reads the whole file back and hashes it at
 *       {@link #finish}.</li>
 * </ul>
 * Reads back go through one direct buffer per verify thread ({@link Digests#update}). Hashing in
 * the file's order keeps one {@link MessageDigest}; a download written in ranges (issue 12) calls
 * {@link #written(long)} with its contiguous prefix, or uses the second way.
 *
 * <p>Measured (docs/bench/analysis.md, benchmark 8): handing the buffers over costs the verify
 * thread about what reading the bytes back did (0.85-0.90 s of CPU per GiB, SHA-256 itself 0.65):
 * the bytes cross from the loop's core to the thread's either way.
 *
 * <p>{@link #receiveBuffer}, {@link #written}, {@link #finish} and {@link #cancel}: loop thread. The
 * rest runs on the verify thread, one job at a time.
 */
public final class Verifier {

    /** What the check found, on the loop: the digest of what arrived, or why it could not be read. */
    @FunctionalInterface
    public interface Outcome {
        void checked(String actualSha256, IOException failure);
    }

    /** Bytes of a hand-over buffer, and of a read back from the file. */
    public static final int CHUNK = 1 << 20;
    private static final long TURN_BYTES = 8L << 20;
    /**
     * The buffers a node's loop receives verified bodies into and hands to its verify thread: at
     * most {@code count} of {@code bytes} each, made when first needed and kept for the node's life
     * (so a node that never verifies while receiving holds none). Taken on the loop thread, given
     * back on the verify thread.
     */
    public static final class Buffers {
        /** The free ones, a stack: the buffer given back last is taken first, its lines the likeliest in a cache. */
        private final Chunk[] free;
        private int freeCount;
        private final int bytes;
        /** Loop thread: buffers made so far. */
        private int made;

        public Buffers(int count, int bytes) {
            this.bytes = bytes;
            this.free = new Chunk[count];
        }

        /** A free buffer, or null if all are in use. Loop thread. */
        Chunk take() {
            Chunk c;
            synchronized (this) {
                c = freeCount == 0 ? null : free[--freeCount];
            }
            if (c == null && made < free.length) {
                made++;
                c = new Chunk(ByteBuffer.allocateDirect(bytes));
            }
            if (c != null) {
                c.bytes.clear();
            }
            return c;
        }

        synchronized void release(Chunk c) {
            free[freeCount++] = c; // never full: only the ones made come back
        }

        int count() {
            return free.length;
        }

        /** Buffers made so far: for tests. */
        public int made() {
            return made;
        }

        /** Buffers free now: for tests. */
        public synchronized int free() {
            return freeCount;
        }
    }

    /** A buffer holding bytes [start, start + bytes.position()) of a download (on the loop), then handed over. */
    static final class Chunk {
        final ByteBuffer bytes;
        long start;

        Chunk(ByteBuffer bytes) {
            this.bytes = bytes;
        }
    }

    private final Path part;
    private final EventLoop loop;
    private final Executor thread;
    private final boolean whileReceiving;
    private final Buffers buffers;
    private final java.util.function.Consumer<IOException> quiet;
    /** Bytes [0, readBack) are in the file and in no buffer handed over after them: the thread may read them back. */
    private volatile long readBack;
    /** Full buffers handed over by the loop, in the order of the file (never full: as many places as buffers). */
    private final ArrayBlockingQueue<Chunk> handed;
    // loop thread only
    /** Bytes written to the file so far. */
    private long written;
    /** {@link #readBack} when the thread was last woken to catch up on it. */
    private long wokenAt;
    /** Bytes handed over since the thread was last woken for them. */
    private long handedSinceWake;
    /** The buffer the loop is filling, or null. */
    private Chunk filling;
    /** A catch-up job is queued or running. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile boolean cancelled;
    private final Runnable catchUp = this::catchUp;
    // verify thread only (read on the loop after the outcome: the loop's queue orders them)
    private final MessageDigest sha = Digests.sha256();
    private FileChannel in;
    private long hashed;
    private long hashedFromBuffers;
    private boolean done;

    /** A verifier that reads every byte back from the file (no hand-over buffers). */
    public Verifier(Path part, EventLoop loop, Executor thread, boolean whileReceiving,
                    java.util.function.Consumer<IOException> quiet) {
        this(part, loop, thread, whileReceiving, null, quiet);
    }

    /**
     * @param part           the partial file being written
     * @param whileReceiving hash as bytes arrive (else all at {@link #finish})
     * @param buffers        the node's hand-over buffers (null: read every byte back from the file)
     * @param quiet          hears, on the loop, of a failure that changes nothing (closing the read channel)
     */
    public Verifier(Path part, EventLoop loop, Executor thread, boolean whileReceiving, Buffers buffers,
                    java.util.function.Consumer<IOException> quiet) {
        this.quiet = quiet;
        this.part = part;
        this.loop = loop;
        this.thread = thread;
        this.whileReceiving = whileReceiving;
        this.buffers = whileReceiving ? buffers : null;
        this.handed = this.buffers == null ? null : new ArrayBlockingQueue<>(this.buffers.count());
    }

    /**
     * Where the loop should read the next body bytes into: a hand-over buffer, its position after
     * the bytes it holds and its limit at its end, or null (none free, or not verifying while
     * receiving: the loop reads into its own buffer and the thread reads the bytes back). Loop thread.
     */
    public ByteBuffer receiveBuffer() {
        if (filling == null && buffers != null && !cancelled) {
            filling = buffers.take();
            if (filling != null) {
                filling.start = written;
            }
        }
        return filling == null ? null : filling.bytes.limit(filling.bytes.capacity());
    }

    /**
     * The first {@code bytes} bytes are in the file, the last of them written from {@code from}:
     * the buffer {@link #receiveBuffer} gave (it is handed over once full), or another one (they
     * will be read back). Loop thread; allocates nothing.
     */
    public void written(long bytes, ByteBuffer from) {
        written = bytes;
        if (filling != null && from == filling.bytes) {
            if (filling.bytes.position() == filling.bytes.capacity()) {
                handOver();
            }
            return;
        }
        written(bytes);
    }

    /**
     * The first {@code bytes} bytes are in the file, in no hand-over buffer. Loop thread; wakes the
     * verify thread when at least {@value #CHUNK} such bytes came since it was last woken (a busy
     * thread looks again when its turn ends, and {@link #finish} covers the tail).
     */
    public void written(long bytes) {
        written = bytes;
        readBack = bytes;
        if (whileReceiving && bytes - wokenAt >= CHUNK) {
            wokenAt = bytes;
            wake();
        }
    }

    private void handOver() {
        filling.bytes.flip();
        handedSinceWake += filling.bytes.limit();
        handed.add(filling);
        filling = null;
        if (handedSinceWake >= CHUNK) { // once per MiB, whatever the buffers' size
            handedSinceWake = 0;
            wake();
        }
    }

    private void wake() {
        if (!queued.getAndSet(true)) {
            thread.execute(catchUp);
        }
    }

    /** Every one of {@code size} bytes is in the file: hash what is left, then tell {@code outcome} on the loop. */
    public void finish(long size, Outcome outcome) {
        if (filling != null) {
            if (filling.bytes.position() > 0) {
                handOver();
            } else {
                buffers.release(filling);
                filling = null;
            }
        }
        written = size;
        readBack = size;
        thread.execute(() -> {
            String actual = null;
            IOException failure = null;
            try {
                hashUpTo(size, Long.MAX_VALUE);
                if (hashed != size) {
                    throw new IOException(part.getFileName() + " checked up to " + hashed + " bytes, " + size + " expected");
                }
                actual = HexFormat.of().formatHex(sha.digest());
            } catch (IOException e) {
                failure = e;
            } finally {
                end();
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

    /** The download failed: stop hashing it (its file is being deleted), its buffers go back. Loop thread. */
    public void cancel() {
        cancelled = true;
        if (filling != null) {
            buffers.release(filling);
            filling = null;
        }
        thread.execute(this::end);
    }

    /**
     * Bytes hashed from hand-over buffers (the rest was read back from the file). Read it on the
     * loop after the outcome.
     */
    public long hashedFromBuffers() {
        return hashedFromBuffers;
    }

    private void catchUp() {
        queued.set(false);
        if (done || cancelled) {
            return;
        }
        try {
            hashUpTo(Long.MAX_VALUE, TURN_BYTES); // what is there; finish hashes the tail
            if (((handed != null && !handed.isEmpty()) || readBack - hashed >= CHUNK) && !queued.getAndSet(true)) {
                thread.execute(catchUp); // more arrived, or this turn's share is used: others go first
            }
        } catch (IOException e) {
            // the file went away: the download failed (cancel stops this), or finish reports it
            closeIn();
        }
    }

    /**
     * Hashes, in the file's order, from where it stopped up to {@code target}, at most about
     * {@code budget} bytes (whole hand-over buffers): from the next buffer handed over if it starts
     * here, else read back from the file up to where that buffer starts (or up to {@link #readBack}).
     * Verify thread.
     */
    private void hashUpTo(long target, long budget) throws IOException {
        long stop = target - hashed <= budget ? target : hashed + budget; // (hashed + budget may overflow)
        while (hashed < stop && !cancelled) {
            Chunk c = handed == null ? null : handed.peek();
            if (c != null && c.start <= hashed) {
                ByteBuffer b = c.bytes;
                long end = c.start + b.limit();
                if (end > hashed) {
                    b.position((int) (hashed - c.start));
                    hashedFromBuffers += b.remaining();
                    sha.update(b);
                    hashed = end;
                }
                handed.poll();
                buffers.release(c);
                continue;
            }
            long until = Math.min(stop, c != null ? c.start : readBack);
            if (until <= hashed) {
                return; // nothing more here yet
            }
            readBack(until);
        }
    }

    /** Hashes bytes [hashed, until) read back from the file. Verify thread. */
    private void readBack(long until) throws IOException {
        if (in == null) {
            in = FileChannel.open(part, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        try {
            hashed = Digests.update(sha, in, hashed, until, () -> cancelled);
        } catch (IOException e) {
            throw new IOException(part.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** Done with this download: the read channel closed, the buffers still handed over given back. Verify thread. */
    private void end() {
        done = true;
        closeIn();
        if (handed != null) {
            for (Chunk c = handed.poll(); c != null; c = handed.poll()) {
                buffers.release(c);
            }
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
