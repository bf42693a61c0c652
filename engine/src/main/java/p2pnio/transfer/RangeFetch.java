package p2pnio.transfer;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import p2pnio.core.Context;
import p2pnio.wire.HostPort;
import p2pnio.wire.Range;
import p2pnio.wire.RequestLineParser;

/**
 * The client side of one ranged transfer: one piece of a {@link Swarm}'s file from one source,
 * written at its offset into the swarm's partial file, as a state machine.
 *
 * <pre>
 * CONNECTING --connected--> SEND_REQUEST --line sent--> READ_ANSWER --RANGE line--> READ_BODY --length bytes--> DONE
 *      READ_BODY --rate limit--> THROTTLED --bytes again--> READ_BODY
 *      any state --REFUSED, bad answer, error, connect or idle timeout, early EOF, cancel--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>CONNECTING: non-blocking connect, bounded by the connect timeout.</li>
 *   <li>SEND_REQUEST: {@code Get,<name>,p2pnio/1,<offset>,<length>\n} (only ever sent to a source
 *       that announced {@code range}: a reference server would send the whole file).</li>
 *   <li>READ_ANSWER: the answer line, at most {@link Range#MAX_ANSWER_BYTES}; it must be
 *       {@code RANGE} for exactly the range asked and the file's known size. {@code REFUSED} or
 *       anything else fails the fetch (the swarm gives the piece to another source).</li>
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
            .allow(State.CONNECTING, State.SEND_REQUEST, State.FAILED)
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
    }

    void start() throws IOException {
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
            case SEND_REQUEST -> writeRequest();
            case READ_ANSWER, READ_BODY -> read();
            default -> { } // THROTTLED, DONE, FAILED wait for nothing the selector reports
        }
    }

    private void connected() throws IOException {
        if (deadline != null) {
            deadline.cancel();
        }
        request = ByteBuffer.wrap(Range.request(swarm.name(), range).getBytes(StandardCharsets.UTF_8));
        moveTo(State.SEND_REQUEST, null);
        writeRequest();
    }

    private void writeRequest() throws IOException {
        channel.write(request);
        if (!request.hasRemaining()) {
            moveTo(State.READ_ANSWER, null);
        }
    }

    private void read() throws IOException {
        ByteBuffer buf = transfers.scratch();
        long granted = 0;
        if (state == State.READ_BODY) {
            granted = account.take(Math.min(range.length() - received, buf.capacity()));
            if (granted == 0) {
                moveTo(State.THROTTLED, null);
                return;
            }
            buf.limit((int) granted);
        }
        int n = channel.read(buf);
        if (granted > 0) {
            account.unused(granted - Math.max(n, 0));
        }
        if (n < 0) {
            fail(state == State.READ_BODY ? "connection closed after " + received + " of " + range.length() + " bytes"
                    : "connection closed before an answer (" + answer.bytesHeld() + " bytes of it)");
            return;
        }
        if (n == 0) {
            return;
        }
        progressed();
        buf.flip();
        if (state == State.READ_ANSWER && !readAnswer(buf)) {
            return;
        }
        if (buf.hasRemaining()) {
            writeBody(buf);
        }
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
        fail("connection to " + peer + " failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
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

    /** Never called: a ranged fetch runs plain TCP only (secure mode downloads from one source, over TLS). */
    @Override
    protected void handshakeDone() {
        throw new IllegalStateException("a ranged fetch has no TLS handshake");
    }
}
