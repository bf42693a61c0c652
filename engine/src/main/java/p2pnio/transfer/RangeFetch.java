package p2pnio.transfer;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLEngine;
import p2pnio.core.Context;
import p2pnio.wire.HostPort;
import p2pnio.wire.Range;
import p2pnio.wire.RequestLineParser;

/**
 * The client side of one ranged transfer: one piece of a {@link Swarm}'s file from one source,
 * written at its offset into the swarm's partial file, as a state machine.
 *
 * <pre>
 * CONNECTING --connected--> (secure mode: HANDSHAKE_READ &lt;--&gt; HANDSHAKE_WRITE, HANDSHAKE_TASK --done-->) SEND_REQUEST
 *      SEND_REQUEST --line sent--> READ_ANSWER --RANGE line--> READ_BODY --length bytes--> DONE
 *      READ_BODY --rate limit--> THROTTLED --bytes again--> READ_BODY
 *      any state --REFUSED, bad answer, error, connect or idle timeout, early EOF, cancel--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>CONNECTING: non-blocking connect, bounded by the connect timeout.</li>
 *   <li>HANDSHAKE_READ, HANDSHAKE_WRITE, HANDSHAKE_TASK (secure mode only): the TLS 1.3 handshake,
 *       as a {@link Download}'s, waiting to read, to write, or for a delegated task on the
 *       background thread. The source must present the certificate its own sealed datagrams
 *       announced (each fetch pins its own source's); the connect timeout, started again when the
 *       connection is made, bounds the handshake. A refused certificate drops that source only.</li>
 *   <li>SEND_REQUEST: {@code Get,<name>,p2pnio/1,<offset>,<length>\n} (only ever sent to a source
 *       that announced {@code range}: a reference server would send the whole file).</li>
 *   <li>READ_ANSWER: the answer line, at most {@link Range#MAX_ANSWER_BYTES}; it must be
 *       {@code RANGE} for exactly the range asked and the file's known size. {@code REFUSED} or
 *       anything else fails the fetch (the swarm gives the piece to another source).</li>
 *       In secure mode the line and the body come through TLS; bytes TLS already decrypted are
 *       read at once, without waiting for the selector (which cannot see them).</li>
 *   <li>READ_BODY: into the partial file with {@code FileChannel.write(buf, position)}, never a
 *       byte outside the range; the bytes are hashed (SHA-256) on the way, so that the swarm can
 *       tell which source sent what if the whole file does not verify.</li>
 *   <li>THROTTLED: the node's download rate limit had no bytes for it.</li>
 * </ul>
 * Every transition goes through {@link #moveTo}. Loop thread only.
 */
final class RangeFetch extends Connection<RangeFetch.State> implements TokenBucket.Waiter {

    /** The fetch's states, each with what it waits for. */
    enum State implements Connection.Phase {
        CONNECTING(Waits.toConnect()),
        HANDSHAKE_READ(Waits.toRead()),
        HANDSHAKE_WRITE(Waits.toWrite()),
        HANDSHAKE_TASK(Waits.forNothing()),
        SEND_REQUEST(Waits.toWrite()),
        READ_ANSWER(Waits.toRead().withIdleCheck()),
        READ_BODY(Waits.toRead().withIdleCheck()),
        THROTTLED(Waits.forNothing()),
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
            .allow(State.SEND_REQUEST, State.READ_ANSWER, State.FAILED)
            .allow(State.READ_ANSWER, State.READ_BODY, State.FAILED)
            .allow(State.READ_BODY, State.DONE, State.THROTTLED, State.FAILED)
            .allow(State.THROTTLED, State.READ_BODY, State.FAILED);

    private final Swarm swarm;
    final Swarm.Source source;
    final int piece;
    private final Range range;
    private final FileChannel out;
    private final RequestLineParser answer = new RequestLineParser(Range.MAX_ANSWER_BYTES);
    private final MessageDigest digest;
    private ByteBuffer request;
    private long received;
    /** True once the swarm itself ended this fetch: it is not told of the failure. */
    private boolean cancelled;
    /** What the source's {@code REFUSED} answer said, or null. */
    private Range.Refusal refusal;
    /** Secure mode: the client engine, pinned to the source's certificate, until the connection is made. */
    private SSLEngine engine;

    RangeFetch(Context ctx, Transfers transfers, Swarm swarm, Swarm.Source source, int piece, Range range,
               FileChannel out, int id) {
        super(ctx, transfers, TRANSITIONS, "range", id, source.peer);
        this.swarm = swarm;
        this.source = source;
        this.piece = piece;
        this.range = range;
        this.out = out;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        handshakeStates(State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.HANDSHAKE_TASK);
    }

    /** Connects; {@code engine} (null for plain TCP) is the TLS client engine pinned to the source. */
    void start(SSLEngine engine) throws IOException {
        this.engine = engine;
        moveTo(State.CONNECTING, "bytes " + range + " from " + HostPort.of(source.server));
        connect(source.server, this::connected, this::refused);
    }

    private void refused(ConnectException e) {
        fail(peer + " refused the connection (" + e.getMessage() + ")");
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        switch (state) {
            case CONNECTING -> finishConnect(this::connected, this::refused);
            case HANDSHAKE_READ, HANDSHAKE_WRITE -> stepHandshake();
            case SEND_REQUEST -> writeRequest();
            case READ_ANSWER, READ_BODY -> read();
            default -> { } // HANDSHAKE_TASK, THROTTLED, DONE, FAILED wait for nothing the selector reports
        }
    }

    private void connected() throws IOException {
        SSLEngine e = engine;
        engine = null;
        connected(e, this::sendRequest);
    }

    /** The source presented the certificate it announced (the pinned trust manager checked it). */
    @Override
    protected void handshakeDone() throws IOException {
        deadline.cancel();
        sendRequest();
    }

    private void sendRequest() throws IOException {
        request = ByteBuffer.wrap(Range.request(swarm.name(), range).getBytes(StandardCharsets.UTF_8));
        moveTo(State.SEND_REQUEST, null);
        writeRequest();
    }

    private void writeRequest() throws IOException {
        if (request.hasRemaining()) {
            writeOut(request);
        }
        if (allOut(request)) {
            moveTo(State.READ_ANSWER, null);
        }
    }

    private void read() throws IOException {
        while (readOnce() > 0 && tls != null && (state == State.READ_ANSWER || state == State.READ_BODY)
                && tls.hasInput()) {
            // secure mode: TLS holds bytes the selector cannot see
        }
    }

    /** One read: the bytes read (0 if none, or throttled; -1 at the end or on a failure). */
    private int readOnce() throws IOException {
        ByteBuffer buf = transfers.scratch();
        long granted = 0;
        if (state == State.READ_BODY) {
            granted = account.take(Math.min(range.length() - received, buf.capacity()));
            if (granted == 0) {
                moveTo(State.THROTTLED, null);
                return 0;
            }
            buf.limit((int) granted);
        }
        int n = readIn(buf);
        if (granted > 0) {
            account.unused(granted - Math.max(n, 0));
        }
        if (n < 0) {
            fail(state == State.READ_BODY ? "connection closed after " + received + " of " + range.length() + " bytes"
                    : "connection closed before an answer (" + answer.bytesHeld() + " bytes of it)");
            return -1;
        }
        if (n == 0) {
            return 0;
        }
        progressed();
        buf.flip();
        if (state == State.READ_ANSWER && !readAnswer(buf)) {
            return ended() ? -1 : n;
        }
        if (buf.hasRemaining()) {
            writeBody(buf);
        }
        return ended() ? -1 : n;
    }

    /** Feeds the answer line; true once the body may start (what is left in {@code buf} is body). */
    private boolean readAnswer(ByteBuffer buf) {
        switch (answer.feed(buf)) {
            case NEED_MORE -> {
                return false;
            }
            case TOO_LONG -> {
                fail("answer line longer than " + Range.MAX_ANSWER_BYTES + " bytes (not a ranged answer)");
                return false;
            }
            case DONE -> { }
        }
        Range.Answer a = Range.Answer.parse(answer.line());
        if (a == null) {
            fail("no ranged answer: " + printable(answer.line()));
            return false;
        }
        if (!a.accepted()) {
            refusal = a.refusal();
            fail("refused bytes " + range + ": " + (a.refusal() == null ? "unknown reason" : a.refusal().token()));
            return false;
        }
        if (!a.range().equals(range) || a.total() != swarm.size()) {
            fail("answered bytes " + a.range() + " of " + a.total() + " for bytes " + range + " of " + swarm.size());
            return false;
        }
        account = transfers.downloadLimit().open(this);
        moveTo(State.READ_BODY, null);
        return true;
    }

    private void writeBody(ByteBuffer buf) throws IOException {
        if (buf.remaining() > range.length() - received) {
            buf.limit(buf.position() + (int) (range.length() - received)); // never a byte outside the range
        }
        int n = buf.remaining();
        buf.mark();
        digest.update(buf);
        buf.reset();
        long at = range.offset() + received;
        while (buf.hasRemaining()) {
            at += out.write(buf, at);
        }
        received += n;
        ctx.counters.bytesReceived += n;
        swarm.received(source, n);
        if (received == range.length()) {
            moveTo(State.DONE, null);
            release();
            swarm.fetched(this, digest.digest());
        }
    }

    /** The rate limit reserved bytes for this fetch: read again. */
    @Override
    public void resume() {
        if (state == State.THROTTLED) {
            moveTo(State.READ_BODY, null);
            if (tls != null && tls.hasInput()) { // secure mode: what TLS holds, the selector will never report
                try {
                    read();
                } catch (IOException | RuntimeException e) {
                    onFailure(e);
                }
            }
        }
    }

    /** Why the source refused the range ({@code REFUSED,<reason>}), or null if it did not. */
    Range.Refusal refusal() {
        return refusal;
    }

    /** Bytes of the piece received so far. */
    long received() {
        return received;
    }

    @Override
    protected String idleReason() {
        return "no data from " + peer + " for " + ctx.config.idleTimeout().toSeconds() + " s";
    }

    /** Ends the fetch because the swarm no longer needs it (another source finished the piece, a cancel). */
    void cancel(String reason) {
        cancelled = true;
        fail(reason);
    }

    @Override
    public void fail(String reason) {
        if (ended()) {
            return;
        }
        moveTo(State.FAILED, reason);
        release();
        if (!cancelled) {
            swarm.fetchFailed(this, reason);
        }
    }

    @Override
    public void onFailure(Exception cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        fail((isHandshaking() && cause instanceof javax.net.ssl.SSLException ? "TLS handshake with " : "connection to ")
                + peer + " failed: " + why);
    }

    /** The partial file belongs to the swarm: nothing of its own to close. */
    @Override
    protected void closeResources() {
    }

    private static String printable(String line) {
        String cut = line.length() > 40 ? line.substring(0, 40) + "..." : line;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    @Override
    public Transfers.Snapshot info() {
        return new Transfers.Snapshot("range", swarm.name() + " " + range, peer, received, range.length(),
                state.name(), ctx.loop.now() - started);
    }

    @Override
    public String toString() {
        return label() + " " + swarm.name() + " " + range + " from " + peer + " " + state;
    }
}
