package p2pnio.secure;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import p2pnio.core.Trace;

/**
 * TLS over one non-blocking {@link SocketChannel}, driven by the loop: the layer the transfer state
 * machines ({@code Upload}, {@code Download}, through {@code Connection}) call instead of the
 * channel in secure mode, so that they keep their states and only the bytes pass through
 * {@link SSLEngine}.
 *
 * <p>The handshake is driven by {@link #handshake()}, which wraps and unwraps until it needs the
 * network or a delegated task, and says which ({@link Step}): the caller's state machine turns
 * that into a state whose interest is read, write, or nothing while the task runs off the loop
 * ({@link #takeTask()}). After it, {@link #read} decrypts into the caller's buffer and {@link #write}
 * encrypts from it; ciphertext that the socket did not take stays in this object until
 * {@link #flush}. Decrypted bytes the caller's buffer had no room for stay here too
 * ({@link #buffered()}): a caller must drain them before it waits for the selector, which knows
 * nothing of them.
 *
 * <p>Buffers: a packet buffer each way and one application buffer, sized by the session, grown
 * when the engine says {@code BUFFER_OVERFLOW}; {@code BUFFER_UNDERFLOW} means a record is not
 * all here yet. Once data flows, the packet buffer of the direction in use grows, to
 * {@value #BATCH} records for reading and {@value #WRITE_BATCH} for writing bulk data, so that one
 * {@code read} takes, and one {@code write} sends, several records: a record carries at most
 * 16 KiB, and a system call and a trip through the selector per record cost more than the
 * record's encryption. Writing 16 records at a time (an upload's whole 256 KiB chunk) instead of
 * 8 took the server loop's CPU per GiB served from about 810 ms to about 590 (exploratory
 * {@code TlsBenchmark} runs of 2026-11-30 on a loaded machine; BENCHMARKS.md, benchmark 9). The packet buffers are on the heap, not direct:
 * the engine encrypts and decrypts in them, in place, and JDK 17's GHASH has its intrinsic (CLMUL)
 * for arrays only: on direct buffers it runs a Java loop ({@code GHASH.processBlocksDirect}, the top
 * of the loop's JFR profile when these buffers were direct; {@code TlsRecordsBenchmark}: wrapping
 * ran about 2.8 times as fast on heap buffers). The socket's copy of a heap buffer into the JDK's
 * cached direct buffer is a {@code memcpy}, far cheaper. Netty's {@code SslHandler} keeps the JDK
 * engine on heap buffers for the same reason.
 * {@link #close()} sends {@code close_notify} as far as the socket takes it.
 *
 * <p>With the trace on ({@link #traceTo}) every step is a line: the handshake status the engine
 * asks for, each {@code wrap}/{@code unwrap} with its result, bytes in and out and the status
 * after, each socket read and write. Loop thread only, like the channel.
 */
public final class TlsWire {

    /** What the handshake waits for. */
    public enum Step {
        /** Bytes from the peer: wait until the channel is readable. */
        NEEDS_READ,
        /** Room in the socket for our handshake bytes: wait until the channel is writable. */
        NEEDS_WRITE,
        /** A delegated task ({@link #takeTask()}) must run, off the loop, before anything else. */
        NEEDS_TASK,
        /** Done: application data may flow. */
        DONE
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Records per read once data flows (see the class comment). */
    static final int BATCH = 8;
    /**
     * Records per write once bulk data flows: 16, the records of an upload's 256 KiB file chunk, so
     * that one {@code write} sends the whole chunk (see the class comment).
     */
    static final int WRITE_BATCH = 16;

    private final SSLEngine engine;
    private final SocketChannel channel;
    /** Ciphertext received, not yet unwrapped (read mode between calls: position..limit). */
    private ByteBuffer netIn;
    /** Ciphertext wrapped, not yet written (read mode between calls). */
    private ByteBuffer netOut;
    /** Plaintext unwrapped, not yet handed to the caller (read mode between calls). */
    private ByteBuffer appIn;
    private boolean peerClosed;
    /** True once the socket gave a byte: a peer that closes before is refusing, not breaking a handshake. */
    private boolean heardFrom;
    /** The node's trace and the connection's label, once {@link #traceTo} was called. */
    private Trace trace;
    private String label;

    /** TLS through {@code engine} (client or server mode already set) over {@code channel}. */
    public TlsWire(SSLEngine engine, SocketChannel channel) throws SSLException {
        this.engine = engine;
        this.channel = channel;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet).flip();
        this.netOut = ByteBuffer.allocate(packet).flip();
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        engine.beginHandshake();
    }

    /** Traces this connection's TLS steps, under {@code label} (e.g. {@code upload#3}), while {@code trace} is on. */
    public void traceTo(Trace trace, String label) {
        this.trace = trace;
        this.label = label;
    }

    private boolean tracing() {
        return trace != null && trace.on();
    }

    private void note(String what) {
        trace.line(label + " tls " + what);
    }

    /**
     * Moves the handshake on as far as it goes without waiting; returns what it waits for.
     *
     * @throws SSLException if the handshake failed (a certificate refused, a bad record); the
     *                      alert for the peer has been written as far as the socket took it
     * @throws EOFException if the peer closed before the handshake ended
     */
    public Step handshake() throws IOException {
        try {
            while (true) {
                if (!flush()) {
                    return Step.NEEDS_WRITE;
                }
                SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
                if (tracing()) {
                    note(hs.toString());
                }
                switch (hs) {
                    case NEED_TASK -> {
                        return Step.NEEDS_TASK;
                    }
                    case NEED_WRAP -> wrap(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrap()) {
                            if (peerClosed) {
                                throw new EOFException("the peer closed the connection during the TLS handshake");
                            }
                            return Step.NEEDS_READ;
                        }
                    }
                    default -> {
                        return Step.DONE;
                    }
                }
            }
        } catch (SSLException e) {
            sendAlert(e);
            throw e;
        }
    }

    /** After a failed handshake, the engine holds an alert for the peer: sent as far as the socket takes it now. */
    private void sendAlert(SSLException cause) {
        try {
            engine.closeOutbound();
            if (flush()) {
                wrap(EMPTY);
                flush();
            }
        } catch (IOException e) {
            cause.addSuppressed(e); // the failure the caller reports is the handshake's; this rides along
        }
    }

    /** The next delegated task of the handshake (run it off the loop, then call {@link #handshake()} on it), or null. */
    public Runnable takeTask() {
        return engine.getDelegatedTask();
    }

    /**
     * Reads plaintext into {@code dst}: what is buffered first, else what the socket has. Returns
     * the bytes given, 0 if none are here yet, -1 once the peer has closed (its {@code close_notify},
     * or the connection's end): then answer with {@link #close()}, as a peer that closed waits for it.
     */
    public int read(ByteBuffer dst) throws IOException {
        if (netIn.capacity() < BATCH * packetSize()) {
            netIn = enlarge(netIn, BATCH * packetSize() - netIn.capacity()); // data flows: several records per read
        }
        int given = 0;
        // Record after record until dst is full or the socket has no more: one call moves as much as
        // a plain read would. A record that gives no plaintext (a TLS 1.3 NewSessionTicket after the
        // handshake) must not end the read while a data record waits behind it: the selector would
        // not report that one.
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                int n = Math.min(dst.remaining(), appIn.remaining());
                int all = appIn.limit();
                appIn.limit(appIn.position() + n);
                dst.put(appIn);
                appIn.limit(all);
                given += n;
            } else if (peerClosed || !unwrap()) {
                break;
            } else {
                afterHandshake();
            }
        }
        return given > 0 ? given : peerClosed ? -1 : 0;
    }

    /**
     * True while bytes already read from the socket wait here (plaintext, or ciphertext not yet
     * unwrapped): the selector will not report them, so a reader calls {@link #read} again.
     */
    public boolean hasInput() {
        return appIn.hasRemaining() || netIn.hasRemaining();
    }

    /**
     * True while the peer has sent not one byte: a server whose upload slots are all taken closes
     * a connection at once, before TLS starts, as it would a plain one.
     */
    public boolean heardNothing() {
        return !heardFrom;
    }

    /**
     * A handshake message after the handshake (TLS 1.3 NewSessionTicket, KeyUpdate) may leave the
     * engine wanting a task or a wrap: both are small, done here on the caller's thread.
     */
    private void afterHandshake() throws IOException {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                t.run();
            }
            hs = engine.getHandshakeStatus();
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP && flush()) {
            wrap(EMPTY);
            flush();
        }
    }

    /** Plaintext bytes decrypted and waiting for {@link #read}: the selector will not report them. */
    public int buffered() {
        return appIn.remaining();
    }

    /**
     * Encrypts bytes of {@code src} (up to {@value #WRITE_BATCH} records' worth) and writes them in one
     * go; returns how many plaintext bytes were taken, 0 while earlier ciphertext still waits for
     * room in the socket.
     */
    public int write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return 0;
        }
        int packet = packetSize();
        if (netOut.capacity() < WRITE_BATCH * packet && src.remaining() > engine.getSession().getApplicationBufferSize()) {
            // Bulk data flows: several records per write. Not for a request line: a download's
            // buffer stays one record long.
            netOut = enlarge(netOut, WRITE_BATCH * packet - netOut.capacity());
        }
        int before = src.remaining();
        while (src.hasRemaining() && netOut.capacity() - netOut.remaining() >= packet && wrap(src) > 0) {
            // one more record, while a whole one still fits behind the others
        }
        flush();
        return before - src.remaining();
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** True while ciphertext waits for room in the socket: wait until the channel is writable, then {@link #flush}. */
    public boolean pending() {
        return netOut.hasRemaining();
    }

    /** Writes ciphertext already wrapped; true when none is left. */
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            int n = channel.write(netOut);
            if (tracing()) {
                note("wrote " + n + " bytes to the socket" + (netOut.hasRemaining() ? ", " + netOut.remaining() + " wait" : ""));
            }
            if (n == 0) {
                return false;
            }
        }
        return true;
    }

    /** A result as the trace shows it: {@code OK, 16384 bytes in, 16406 out, then NOT_HANDSHAKING}. */
    private static String result(SSLEngineResult r) {
        return r.getStatus() + ", " + r.bytesConsumed() + " bytes in, " + r.bytesProduced() + " out, then "
                + r.getHandshakeStatus();
    }

    /** Sends {@code close_notify} (as far as the socket takes it now); the caller closes the channel. */
    public void close() throws IOException {
        if (tracing()) {
            note("close_notify");
        }
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            if (!flush()) {
                return;
            }
            wrap(EMPTY);
        }
        flush();
    }

    /** The engine, for its session once the handshake is done ({@link Tls#peer}). */
    public SSLEngine engine() {
        return engine;
    }

    /**
     * Wraps {@code src} (possibly nothing: handshake or alert bytes) into {@link #netOut}, kept in
     * read mode, behind what it holds; the plaintext bytes taken.
     */
    private int wrap(ByteBuffer src) throws SSLException {
        while (true) {
            toFill(netOut);
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            if (tracing()) {
                note("wrap -> " + result(r));
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return r.bytesConsumed();
            }
            netOut = enlarge(netOut, packetSize());
        }
    }

    /**
     * {@code b} (read mode) in write mode, its bytes kept at the front: {@code compact()}, without
     * its copy when they are already there (a heap buffer's compact copies even then).
     */
    private static void toFill(ByteBuffer b) {
        if (b.position() == 0) {
            b.position(b.limit()).limit(b.capacity());
        } else {
            b.compact();
        }
    }

    /**
     * Unwraps the ciphertext here, reading the socket when the engine needs more; true if it made
     * progress (took or gave bytes, or the handshake now wants something else).
     */
    private boolean unwrap() throws IOException {
        boolean progress = false;
        boolean needMore = !netIn.hasRemaining();
        while (true) {
            if (needMore) {
                if (fill() <= 0) {
                    return progress;
                }
                needMore = false;
            }
            toFill(appIn);
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            if (tracing()) {
                note("unwrap -> " + result(r) + (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                        ? " (" + netIn.remaining() + " bytes here, not a whole record)" : ""));
            }
            switch (r.getStatus()) {
                case OK -> {
                    progress |= r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                    SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
                    if (r.bytesProduced() > 0 || hs == SSLEngineResult.HandshakeStatus.NEED_WRAP
                            || hs == SSLEngineResult.HandshakeStatus.NEED_TASK
                            || hs == SSLEngineResult.HandshakeStatus.FINISHED) {
                        return true;
                    }
                    needMore = !netIn.hasRemaining() || r.bytesConsumed() == 0;
                }
                case BUFFER_OVERFLOW -> appIn = enlarge(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    int packet = engine.getSession().getPacketBufferSize();
                    if (netIn.capacity() < packet) {
                        netIn = enlarge(netIn, packet);
                    }
                    needMore = true; // a record is not all here yet
                }
                case CLOSED -> {
                    peerClosed = true;
                    return true;
                }
            }
        }
    }

    /** Reads ciphertext from the socket into {@link #netIn}: the bytes read, 0 if none, -1 at its end. */
    private int fill() throws IOException {
        toFill(netIn);
        int n;
        try {
            n = channel.read(netIn);
        } finally {
            netIn.flip();
        }
        if (tracing()) {
            note("read " + n + " bytes from the socket");
        }
        if (n > 0) {
            heardFrom = true;
        }
        if (n < 0) {
            peerClosed = true;
            try {
                engine.closeInbound(); // throws if the peer did not send close_notify: a truncation
            } catch (SSLException e) {
                throw new SSLException("the peer ended the connection without close_notify (truncated)", e);
            }
        }
        return n;
    }

    /** {@code b}'s bytes (read mode) in a buffer with {@code more} bytes of room besides, in read mode. */
    private static ByteBuffer enlarge(ByteBuffer b, int more) {
        ByteBuffer bigger = b.isDirect() ? ByteBuffer.allocateDirect(b.capacity() + more)
                : ByteBuffer.allocate(b.capacity() + more);
        bigger.put(b);
        return bigger.flip();
    }
}
