package p2pnio.transfer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLEngine;
import p2pnio.core.Attempt;
import p2pnio.core.Context;
import p2pnio.share.PartialFile;
import p2pnio.share.Verifier;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.HostPort;
import p2pnio.wire.TransferHeader;

/**
 * The client side of one transfer connection, as a state machine.
 *
 * <pre>
 * CONNECTING --connected--> (secure mode: HANDSHAKE_READ &lt;--&gt; HANDSHAKE_WRITE, HANDSHAKE_TASK --done-->) SEND_REQUEST --line sent--> READ_HEADER --74 bytes--> OPENING --partial file made-->
 *      READ_BODY --SIZE bytes--> FINISHING --in place--> DONE
 *      READ_BODY --rate limit--> THROTTLED --bytes again--> READ_BODY
 *      any state but FINISHING --error, connect timeout, idle timeout, early EOF, cancel--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>CONNECTING: non-blocking connect, bounded by the connect timeout.</li>
 *   <li>HANDSHAKE_READ, HANDSHAKE_WRITE, HANDSHAKE_TASK (secure mode only): the TLS 1.3
 *       handshake, waiting to read, to write, or for a delegated task on the background thread.
 *       The server must present the certificate pinned for it; the connect timeout, started
 *       again when the connection is made, bounds the handshake.</li>
 *   <li>SEND_REQUEST: {@code Get,<name>\n}, in one write as the reference server needs (a fresh
 *       socket's buffer always takes a line this short; partial writes are still handled).</li>
 *   <li>READ_HEADER: the 74 header bytes, across any number of reads, and never a byte more (the
 *       body waits in the socket until the partial file exists).</li>
 *   <li>OPENING: the free space is checked and a partial file of our own is created
 *       ({@link PartialFile}) on the node's file thread; no interest in I/O meanwhile.</li>
 *   <li>READ_BODY: into the partial file, through the loop's one reused direct buffer; never a
 *       byte past SIZE, and never more than the node's download rate limit grants. In secure mode,
 *       bytes TLS already decrypted are read on entering READ_BODY, without waiting for the
 *       selector (which cannot see them).</li>
 *   <li>THROTTLED: the download rate limit ({@link TokenBucket}, shared by all downloads) had no
 *       bytes for it; no interest in I/O (the server's bytes wait in the socket buffers, and TCP
 *       flow control slows the server) until the bucket's timer moves it back to READ_BODY.</li>
 *   <li>FINISHING: at exactly SIZE bytes the partial file is checked and given its final name on
 *       the file thread, never replacing a file already there (a numbered copy instead). The bytes
 *       are all here: a cancel or a shutdown no longer stops it.</li>
 *   <li>FAILED: the partial file is deleted (on the file thread), but for a download (plain TCP
 *       or TLS) whose answer announced a SHA-256 (issue #12): its record names the digest and, forced first, the
 *       whole pieces ({@link Transfers#PIECE_BYTES}) in so far, and a failure other than a cancel
 *       or wrong bytes keeps it once a piece is in; asking again resumes it by ranges (a
 *       {@link Swarm}, even of one source). A plain peer's download never survives a failure.</li>
 * </ul>
 * Every transition goes through {@link #moveTo}, which also sets the interest ops the state names.
 * Loop thread only.
 */
final class Download extends Connection<Download.State> implements TokenBucket.Waiter {

    /** The download's states, each with what it waits for. */
    enum State implements Connection.Phase {
        CONNECTING(Waits.toConnect()),
        HANDSHAKE_READ(Waits.toRead()),
        HANDSHAKE_WRITE(Waits.toWrite()),
        HANDSHAKE_TASK(Waits.forNothing()),
        SEND_REQUEST(Waits.toWrite()),
        READ_HEADER(Waits.toRead().withIdleCheck()),
        OPENING(Waits.forNothing()),
        READ_BODY(Waits.toRead().withIdleCheck()),
        THROTTLED(Waits.forNothing()),
        FINISHING(Waits.forNothing()),
        DONE(Waits.forNothing()),
        FAILED(Waits.forNothing());

        private final Waits waits;

        State(Waits waits) {
            this.waits = waits;
        }

        @Override
        public Waits waits() {
            return waits;
        }
    }

    /** Every legal move; {@link #moveTo} enforces it and docs/state-machines.md draws it. */
    static final Transitions<State> TRANSITIONS = Transitions.startingAt(State.CONNECTING)
            .allow(State.CONNECTING, State.SEND_REQUEST, State.HANDSHAKE_READ, State.HANDSHAKE_WRITE,
                    State.HANDSHAKE_TASK, State.FAILED)
            .allow(State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.HANDSHAKE_TASK, State.SEND_REQUEST, State.FAILED)
            .allow(State.HANDSHAKE_WRITE, State.HANDSHAKE_READ, State.HANDSHAKE_TASK, State.SEND_REQUEST, State.FAILED)
            .allow(State.HANDSHAKE_TASK, State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.SEND_REQUEST, State.FAILED)
            .allow(State.SEND_REQUEST, State.READ_HEADER, State.FAILED)
            .allow(State.READ_HEADER, State.OPENING, State.FAILED)
            .allow(State.OPENING, State.READ_BODY, State.FINISHING, State.FAILED)
            .allow(State.READ_BODY, State.FINISHING, State.THROTTLED, State.FAILED)
            .allow(State.THROTTLED, State.READ_BODY, State.FAILED)
            .allow(State.FINISHING, State.DONE, State.FAILED);

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    private final String name;
    private final InetSocketAddress server;
    private final HeaderParser header = new HeaderParser();
    /** The request this download is a try of, until its header arrives; null once told. */
    private Attempt attempt;
    private ByteBuffer request;
    /** The partial file: made, finished and deleted off the loop; written by the loop. */
    private PartialFile partial;
    private FileChannel out;
    /** Why the download failed, until that is reported (after its partial file is deleted). */
    private String failure;
    private long size = -1;
    private long received;
    /** The request, kept past the header when the answer announced a SHA-256: a mismatch goes back to it. */
    private final Attempt asked;
    /** Checks the body against the announced SHA-256; null when nothing is checked. */
    private Verifier verifier;
    /** In FINISHING, the check is running (the file is not being put in place yet). */
    private boolean verifying;
    private long lastProgressEvent;
    /**
     * Whole pieces ({@link Transfers#PIECE_BYTES}) of a download with a known SHA-256 that are in
     * the part and handed to the file thread to be recorded: what a failure keeps for a resume.
     */
    private int piecesIn;
    /** The bytes were not what the answer announced: such a part is never kept. */
    private boolean wrongBytes;
    /** Secure mode: the client engine, pinned to the server's fingerprint, until the connection is made. */
    private SSLEngine engine;

    Download(Context ctx, Transfers transfers, String name, InetSocketAddress server, String peer, int id,
             Attempt attempt) {
        super(ctx, transfers, TRANSITIONS, "download", id, peer);
        this.name = name;
        this.server = server;
        this.attempt = attempt;
        this.asked = attempt;
        handshakeStates(State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.HANDSHAKE_TASK);
    }

    String name() {
        return name;
    }

    /** Connects; {@code engine} (null for plain TCP) is the TLS client engine pinned to the server. */
    void start(SSLEngine engine) throws IOException {
        this.engine = engine;
        moveTo(State.CONNECTING, "to " + HostPort.of(server));
        connect(server, this::connected, this::refused);
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        switch (state) {
            case CONNECTING -> finishConnect(this::connected, this::refused);
            case HANDSHAKE_READ, HANDSHAKE_WRITE -> stepHandshake();
            case SEND_REQUEST -> {
                if (tls == null || tls.flush()) {
                    writeRequest();
                }
            }
            case READ_HEADER, READ_BODY -> read();
            default -> { } // OPENING, THROTTLED, FINISHING, DONE, FAILED wait for nothing the selector reports
        }
    }

    private void connected() throws IOException {
        SSLEngine e = engine;
        engine = null;
        connected(e, this::sendRequest);
    }

    /** The server presented the pinned certificate (the pinned trust manager checked it). */
    @Override
    protected void handshakeDone() throws IOException {
        deadline.cancel();
        sendRequest();
    }

    private void sendRequest() throws IOException {
        request = ByteBuffer.wrap(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8));
        moveTo(State.SEND_REQUEST, null);
        writeRequest();
    }

    private void writeRequest() throws IOException {
        if (request.hasRemaining()) {
            writeOut(request);
        }
        if (allOut(request)) {
            moveTo(State.READ_HEADER, null);
        }
    }

    private void read() throws IOException {
        while (readOnce() > 0 && tls != null && (state == State.READ_HEADER || state == State.READ_BODY)
                && tls.hasInput()) {
            // secure mode: TLS holds bytes the selector cannot see
        }
    }

    /** One read: the bytes read (0 if none, or throttled; -1 at the end). */
    private int readOnce() throws IOException {
        ByteBuffer buf = transfers.scratch();
        long granted = 0;
        if (state == State.READ_HEADER) {
            // Never a body byte before the partial file exists: it stays in the socket meanwhile.
            buf.limit(TransferHeader.BYTES - header.bytesTaken());
        } else {
            // Never ask for more than the body still needs (what comes after SIZE is never read or
            // written), nor more than the rate limit grants.
            granted = account.take(Math.min(size - received, buf.capacity()));
            if (granted == 0) {
                moveTo(State.THROTTLED,
                        ctx.trace.on() ? "download rate limit " + transfers.downloadLimit().rate() + " B/s" : null);
                return 0;
            }
            buf.limit((int) granted);
        }
        int n = readIn(buf);
        if (granted > 0) {
            account.unused(granted - Math.max(n, 0));
        }
        if (n <= 0) {
            if (n < 0) {
                endOfStream();
            }
            return n;
        }
        progressed();
        buf.flip();
        if (state == State.READ_HEADER) {
            switch (header.feed(buf)) {
                case NEED_MORE -> {
                    return n;
                }
                case ERROR -> {
                    fail("bad header from " + peer + ": " + header.error());
                    return n;
                }
                case DONE -> onHeader(header.header());
            }
        }
        if (state == State.READ_BODY && buf.hasRemaining()) {
            writeBody(buf);
        }
        return n;
    }

    private void onHeader(TransferHeader h) throws IOException {
        size = h.size();
        if (asked.size() >= 0 && asked.size() != size) {
            attempt.started();
            attempt = null;
            mismatch("its answer announced " + asked.size() + " bytes, its header says " + size, null);
            return;
        }
        if (attempt != null) {
            attempt.started();
            attempt = null;
        }
        String expected = cutTo64Bytes(name).replaceAll(":+$", "");
        if (!h.name().equals(expected)) {
            ctx.events.warning("'" + peer + "' sent '" + name + "' under the name '" + h.name()
                    + "'; saving it as '" + name + "'");
        }
        // With a SHA-256 the download is resumable: its record names the digest and the pieces in,
        // a failure keeps it, and asking again fetches the rest by ranges (a plain one is deleted),
        // over TLS in secure mode as in plain mode.
        partial = asked.sha256() == null ? new PartialFile(ctx.folder.root(), name, size, peer)
                : new PartialFile(ctx.folder.root(), name, size, peer, asked.sha256(), Transfers.PIECE_BYTES);
        moveTo(State.OPENING, size + " bytes");
        ctx.files.submit("create a partial file for '" + name + "'", () -> {
            partial.create();
            return partial;
        }, this::opened);
    }

    private void opened(PartialFile made, IOException failure) {
        if (state != State.OPENING) {
            return; // failed meanwhile: the partial file is deleted by closeResources, queued after its creation
        }
        if (failure != null) {
            fail(failure.getMessage());
            return;
        }
        out = made.channel();
        if (asked.sha256() != null && ctx.config.verifies()) {
            verifier = new Verifier(made.partPath(), ctx.loop, ctx.verifying, ctx.config.verifiesWhileReceiving(),
                    e -> ctx.quiet(label() + " verifier: close", e));
        }
        if (ctx.trace.on()) {
            ctx.trace.line(label() + " partial file " + made.partName());
        }
        bodyStarts(size);
        ctx.events.downloadStarted(name, peer, size);
        if (size == 0) {
            finish();
        } else {
            account = transfers.downloadLimit().open(this);
            moveTo(State.READ_BODY, made.partName());
            drainTls();
        }
    }

    private void writeBody(ByteBuffer buf) throws IOException {
        if (buf.remaining() > size - received) {
            buf.limit(buf.position() + (int) (size - received)); // extra bytes past SIZE are ignored
        }
        int n = buf.remaining();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        received += n;
        ctx.counters.bytesReceived += n;
        if (verifier != null) {
            verifier.written(received);
        }
        if (partial.resumable() && received / Transfers.PIECE_BYTES > piecesIn && received < size) {
            piecesIn = (int) (received / Transfers.PIECE_BYTES);
            checkpoint();
        }
        if (received == size) {
            finish();
        } else if (lastProgress - lastProgressEvent >= PROGRESS_EVERY_NANOS) {
            lastProgressEvent = lastProgress;
            ctx.events.downloadProgress(name, received, size, lastProgress - started);
        }
    }

    /** Records the pieces in (a prefix of the file), forced first, on the file thread. */
    private void checkpoint() {
        Swarm.checkpoint(ctx, partial, name, piecesDone());
    }

    private java.util.BitSet piecesDone() {
        java.util.BitSet b = new java.util.BitSet();
        b.set(0, piecesIn);
        return b;
    }

    /** Every byte is here: the connection is done with, the file goes in place off the loop. */
    private void finish() {
        out = null; // the file thread closes it
        moveTo(State.FINISHING, null);
        hangUp();
        if (account != null) {
            account.close(); // no more bytes to read: its share of the download limit goes to the others
        }
        if (verifier == null) {
            putInPlace();
            return;
        }
        verifying = true;
        verifier.finish(size, this::checked);
    }

    /** The verify thread hashed the whole part: in place if it is what was announced, else a mismatch. */
    private void checked(String actual, IOException failure) {
        if (!verifying) {
            return; // failed meanwhile (a shutdown)
        }
        verifying = false;
        if (failure != null) {
            failNow("could not check '" + name + "' against its SHA-256: " + failure.getMessage());
        } else if (!actual.equals(asked.sha256())) {
            mismatch("its SHA-256 is " + actual + ", its answer announced " + asked.sha256(), actual);
        } else {
            putInPlace();
        }
    }

    /**
     * What arrived is not what the answer announced: the partial file goes, and the request
     * decides whether another peer is tried (then no failure is reported for this try).
     */
    private void mismatch(String what, String actual) {
        wrongBytes = true;
        String detail = "'" + name + "' from " + peer + " is not what " + peer + " announced: " + what;
        String failure = asked.mismatch(detail);
        ctx.events.digestMismatch(name, peer, asked.sha256(), actual, what, failure == null);
        if (failure == null) {
            quietFail(detail);
        } else {
            failNow(failure);
        }
    }

    private void putInPlace() {
        ctx.files.submit("put '" + name + "' in place", partial::publish, this::published);
    }

    private void published(Path target, IOException failure) {
        if (failure != null) {
            failNow("could not put '" + name + "' in place: " + failure.getMessage());
            return;
        }
        if (partial.leftover() != null) {
            ctx.events.warning("'" + name + "' is in place, but " + partial + " could not be cleaned up: "
                    + partial.leftover().getMessage());
        } else {
            partial = null; // nothing of it is left
        }
        moveTo(State.DONE, target.getFileName().toString());
        release();
        asked.ended();
        ctx.counters.downloadsDone++;
        ctx.folder.added(target.getFileName().toString(), target, size);
        String sha = verifier == null ? null : asked.sha256();
        String why = sha != null ? null : asked.sha256() != null ? "not checked: verify is OFF" : asked.notVerified();
        ctx.events.downloadFinished(name, peer, size, ctx.loop.now() - started, target, sha, why);
    }

    private void endOfStream() {
        if (state == State.READ_BODY) {
            fail("connection closed after " + received + " of " + size + " bytes");
        } else if (header.bytesTaken() == 0) {
            noHeader(Attempt.NoHeader.CLOSED, peer + " closed the connection without sending a header (it may be busy,"
                    + " or have no '" + name + "': a File answer carries no name)");
        } else {
            fail("connection closed inside the header (" + header.bytesTaken() + " of "
                    + TransferHeader.BYTES + " bytes)");
        }
    }

    /** The rate limit reserved bytes for this download: read again (the selector says when). */
    @Override
    public void resume() {
        if (state == State.THROTTLED) {
            moveTo(State.READ_BODY, null);
            drainTls();
        }
    }

    /** Secure mode: reads what TLS already holds, which the selector will never report. */
    private void drainTls() {
        if (tls != null && tls.hasInput()) {
            try {
                read();
            } catch (IOException | RuntimeException e) {
                onFailure(e);
            }
        }
    }

    @Override
    protected String idleReason() {
        return "no data from " + peer + " for " + ctx.config.idleTimeout().toSeconds() + " s";
    }

    private void refused(ConnectException e) {
        noHeader(Attempt.NoHeader.REFUSED, peer + " refused the connection to port " + server.getPort()
                + " (nothing listens there now: restarted or stopped?)");
    }

    /**
     * The server gave not one header byte. That is no failure of the request yet: it decides
     * whether to try again (and says so) or fail, see {@link Attempt#noHeader}.
     */
    private void noHeader(Attempt.NoHeader how, String detail) {
        if (ended()) {
            return;
        }
        Attempt a = attempt;
        attempt = null;
        moveTo(State.FAILED, detail);
        release();
        String failure = a == null ? detail : a.noHeader(how, detail);
        if (failure != null) {
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(name, failure);
        }
    }

    /**
     * Fails the download and deletes its partial file; safe in any state. In FINISHING only the
     * file thread's outcome can fail it: every byte has arrived and the file is going in place.
     */
    @Override
    public void fail(String reason) {
        if (ended() || (state == State.FINISHING && !verifying)) {
            return;
        }
        verifying = false;
        failNow(reason);
    }

    private void failNow(String reason) {
        moveTo(State.FAILED, reason);
        failure = reason;
        endTry();
    }

    /** Fails without reporting a failure: the request goes on with another peer and reports itself. */
    private void quietFail(String reason) {
        moveTo(State.FAILED, reason);
        endTry();
    }

    private void endTry() {
        if (verifier != null) {
            verifier.cancel();
        }
        release(); // reports the failure, if any, once the partial file is gone
        if (attempt != null) {
            Attempt a = attempt;
            attempt = null;
            a.ended();
        } else {
            asked.ended(); // a request kept for a mismatch is over (a no-op once it moved on)
        }
    }

    @Override
    public void onFailure(Exception cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (tls != null && (state == State.CONNECTING || isHandshaking()) && tls.heardNothing()) {
            // The first handshake step runs still CONNECTING. Not one TLS byte came back: the server closed or
            // reset at once, as one whose slots are all taken does; tried again as a plain refusal is.
            noHeader(Attempt.NoHeader.BROKEN, peer + " closed the connection before its first TLS byte (" + why
                    + "; its upload slots may all be taken)");
            return;
        }
        if (isHandshaking() && cause instanceof javax.net.ssl.SSLException) {
            fail("TLS handshake with " + peer + " failed: " + why);
            return;
        }
        if (isHandshaking() || state == State.SEND_REQUEST || (state == State.READ_HEADER && header.bytesTaken() == 0)) {
            noHeader(Attempt.NoHeader.BROKEN, peer + " reset the connection before sending a header (" + why
                    + "; its upload slots may all be taken)");
            return;
        }
        fail(state == State.CONNECTING ? "cannot connect to " + peer + ": " + why
                : "connection to " + peer + " failed: " + why);
    }

    /**
     * Deletes the partial file and its record, off the loop: no failure leaves one behind. A
     * failure is reported once they are gone, so that whoever hears of it finds no partial file;
     * at shutdown at once (the node reports itself stopped only after the file thread is done).
     */
    @Override
    protected void closeResources() {
        out = null;
        PartialFile p = partial;
        partial = null;
        if (p != null) {
            // Kept for a resume: a download with a SHA-256 that has a whole piece in, unless it was
            // cancelled or its bytes were wrong. Anything else is deleted, as a plain one always is.
            boolean keep = failure != null && p.resumable() && piecesIn > 0 && !wrongBytes
                    && !"cancelled".equals(failure);
            java.util.BitSet pieces = piecesDone();
            if (keep) {
                long all = (size + Transfers.PIECE_BYTES - 1) / Transfers.PIECE_BYTES;
                failure += " (" + piecesIn + " of " + all + " pieces kept: asking for '" + name
                        + "' again resumes, cancel deletes them)";
            }
            ctx.files.submit((keep ? "keep " : "delete ") + p, () -> {
                if (keep) {
                    p.keep(pieces);
                } else {
                    p.discard();
                }
                return null;
            }, (nothing, failed) -> {
                if (failed != null) {
                    ctx.events.warning("could not " + (keep ? "keep" : "delete") + " the partial file of '" + name
                            + "': " + failed.getMessage());
                }
                reportFailure();
            });
        }
        if (p == null || ctx.loop.isStopping()) {
            reportFailure(); // nothing to wait for; or no loop left to wait on, and the node reports
                             // itself stopped only once the file thread is done
        }
    }

    /** Counts and reports the failure set by {@link #failNow}, if any; once. */
    private void reportFailure() {
        if (failure != null) {
            String reason = failure;
            failure = null;
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(name, reason);
        }
    }

    State state() {
        return state;
    }

    /** The name as the header carries it: its UTF-8 bytes cut at 64, as the reference server cuts it. */
    static String cutTo64Bytes(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length <= TransferHeader.NAME_BYTES) {
            return name;
        }
        return new String(b, 0, TransferHeader.NAME_BYTES, StandardCharsets.UTF_8);
    }

    @Override
    public Transfers.Snapshot info() {
        return new Transfers.Snapshot("download", name, peer, received, size, state.name(),
                ctx.loop.now() - started);
    }

    @Override
    public String toString() {
        return label() + " " + name + " from " + peer + " " + state;
    }
}
