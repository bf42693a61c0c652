package p2pnio.transfer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jdk.jfr.FlightRecorder;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.jfr.TransferFinishedEvent;
import p2pnio.jfr.TransferStartedEvent;
import p2pnio.loop.Handler;
import p2pnio.loop.Timers;
import p2pnio.secure.TlsWire;

/**
 * What an upload and a download share: one TCP connection on the loop, driven as a state machine
 * whose states say what the connection waits for.
 *
 * <p>Every change of state goes through {@link #moveTo}, which checks it against the machine's
 * {@link Transitions} table, traces it, sets the key's interest ops to the new state's
 * {@link Waits#interest()}, and starts or stops the idle timer as the new state
 * {@link Waits#idleChecked() asks}. A transition and its interest change therefore cannot drift
 * apart; a throttled connection is simply one in a state whose interest is none. {@link #release}
 * ends the connection: timers cancelled, key cancelled, channel closed, its rate-limit account
 * closed, the subclass's own resources freed, the registry told.
 *
 * <p>In secure mode the bytes pass through a {@link TlsWire} ({@link #tls}): {@link #readIn} and
 * {@link #writeOut} go through it, and {@link #stepHandshake} drives its handshake through the
 * subclass's handshake states (one waiting to read, one to write, one for a delegated task that
 * runs on the node's background thread and posts back). In plain mode {@link #tls} is null and
 * the channel is read and written directly, as before. Loop thread only.
 *
 * @param <S> the machine's state enum
 */
abstract class Connection<S extends Enum<S> & Connection.Phase> implements Handler, Transfers.Transfer {

    /**
     * What a connection waits for in one state: the selector interest ops ({@code OP_*}, 0 for
     * none), and whether a stall of {@code idleTimeout} fails it.
     */
    record Waits(int interest, boolean idleChecked) {
        static Waits toRead() {
            return new Waits(SelectionKey.OP_READ, false);
        }

        static Waits toWrite() {
            return new Waits(SelectionKey.OP_WRITE, false);
        }

        static Waits toConnect() {
            return new Waits(SelectionKey.OP_CONNECT, false);
        }

        static Waits forNothing() {
            return new Waits(0, false);
        }

        /** The same, and no progress for {@code idleTimeout} fails the connection. */
        Waits withIdleCheck() {
            return new Waits(interest, true);
        }
    }

    /** A state of a connection: what it waits for. */
    interface Phase {
        Waits waits();
    }

    protected final Context ctx;
    protected final Transfers transfers;
    protected final int id;
    protected final String peer;
    protected final long started;
    private final Transitions<S> transitions;
    private final String label;
    protected SocketChannel channel;
    protected SelectionKey key;
    protected S state;
    /** Loop time of the last byte moved, for the idle check and progress reports. */
    protected long lastProgress;
    /** A one-shot deadline of the current state (connect, request line, linger); cancelled on release. */
    protected Timers.Timer deadline;
    /** Its share of the node's rate limit for its direction, from the first body byte on; null before. */
    protected TokenBucket.Account account;
    /** TLS over {@link #channel} in secure mode; null in plain mode (the reference protocol's bytes). */
    protected TlsWire tls;
    private S handshakeRead;
    private S handshakeWrite;
    private S handshakeTask;
    private Timers.Timer idle;
    /** The connection's life as a Flight Recorder span; null unless a recording wants it. */
    private TransferFinishedEvent life;

    protected Connection(Context ctx, Transfers transfers, Transitions<S> transitions, String kind, int id,
                         String peer) {
        this.ctx = ctx;
        this.transfers = transfers;
        this.transitions = transitions;
        this.id = id;
        this.peer = peer;
        this.label = kind + "#" + id;
        this.started = ctx.loop.now();
        this.lastProgress = started;
        if (FlightRecorder.isInitialized()) {
            TransferFinishedEvent e = new TransferFinishedEvent();
            if (e.isEnabled()) {
                e.begin();
                life = e;
            }
        }
    }

    /**
     * Moves to {@code next}: checks the move, traces it, sets the interest ops the new state names,
     * and arms or stops the idle timer. {@code detail} is for the trace.
     */
    protected final void moveTo(S next, String detail) {
        transitions.check(state, next);
        S previous = state;
        if (ctx.trace.on()) {
            ctx.trace.line(Trace.Kind.MOVE, label + " " + (previous == null ? "NEW" : previous) + " -> " + next
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        state = next;
        if (life != null && transitions.isFinal(next)) {
            recordLife(next, detail);
        }
        int interest = next.waits().interest();
        if (key != null && key.isValid() && (previous == null || previous.waits().interest() != interest)) {
            key.interestOps(interest);
        }
        boolean idleChecked = next.waits().idleChecked();
        if (idleChecked && (previous == null || !previous.waits().idleChecked())) {
            lastProgress = ctx.loop.now();
            idle = ctx.loop.timers().at(lastProgress + idleLimit(), label + " idle", this::checkIdle);
        } else if (!idleChecked && idle != null) {
            idle.cancel();
            idle = null;
        }
    }

    /** Registers the channel with the loop, interested in what the current state names. */
    protected final void register() throws java.nio.channels.ClosedChannelException {
        key = ctx.loop.register(channel, state.waits().interest(), this);
    }

    /** What runs once an outgoing connection is made. */
    protected interface Connected {
        void run() throws IOException;
    }

    /**
     * Opens {@link #channel} and connects it to {@code server} without blocking, then registers it:
     * {@code connected} runs at once if the kernel connected it, else once the selector reports it
     * ({@link #finishConnect}); a connect still pending after the connect timeout fails. A refusal
     * goes to {@code refused}.
     */
    protected final void connect(InetSocketAddress server, Connected connected, Consumer<ConnectException> refused)
            throws IOException {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        boolean done;
        try {
            done = channel.connect(server);
        } catch (ConnectException e) {
            refused.accept(e);
            return;
        }
        register();
        if (done) {
            connected.run();
        } else {
            deadline = ctx.loop.schedule(ctx.config.connectTimeout().toNanos(), label() + " connect timeout",
                    () -> fail("connect to " + peer + " timed out after "
                            + ctx.config.connectTimeout().toSeconds() + " s"));
        }
    }

    /** The selector reported the connect of {@link #connect} as ready: finishes it, as there. */
    protected final void finishConnect(Connected connected, Consumer<ConnectException> refused) throws IOException {
        boolean done;
        try {
            done = channel.finishConnect();
        } catch (ConnectException e) {
            refused.accept(e);
            return;
        }
        if (done) {
            connected.run();
        }
    }

    /** True once the machine is in a state with no way out (done or failed). */
    protected final boolean ended() {
        return state != null && transitions.isFinal(state);
    }

    /** The body is about to move: {@code size} bytes (a Flight Recorder event, while one records). */
    protected final void bodyStarts(long size) {
        if (FlightRecorder.isInitialized()) {
            TransferStartedEvent e = new TransferStartedEvent();
            if (e.shouldCommit()) {
                Transfers.Snapshot s = info();
                e.direction = s.direction();
                e.name = s.name();
                e.peer = peer;
                e.size = size;
                e.commit();
            }
        }
    }

    private void recordLife(S end, String detail) {
        life.end();
        if (life.shouldCommit()) {
            Transfers.Snapshot s = info();
            life.direction = s.direction();
            life.name = s.name();
            life.peer = peer;
            life.bytes = s.bytes();
            life.size = s.size();
            life.outcome = end + (detail == null ? "" : ": " + detail);
            life.commit();
        }
        life = null;
    }

    /** Reads from the peer: through TLS in secure mode, else straight from the channel. */
    protected final int readIn(ByteBuffer dst) throws IOException {
        return tls == null ? channel.read(dst) : tls.read(dst);
    }

    /** Writes to the peer: through TLS in secure mode (ciphertext the socket did not take waits in it). */
    protected final int writeOut(ByteBuffer src) throws IOException {
        return tls == null ? channel.write(src) : tls.write(src);
    }

    /**
     * True once every byte of {@code out} is on the socket: in secure mode, the ciphertext TLS
     * still holds of it too (flushed now, as far as the socket takes it).
     */
    protected final boolean allOut(ByteBuffer out) throws IOException {
        return !out.hasRemaining() && (tls == null || tls.flush());
    }

    /** The machine's handshake states: waiting to read, to write, for a delegated task. */
    protected final void handshakeStates(S read, S write, S task) {
        handshakeRead = read;
        handshakeWrite = write;
        handshakeTask = task;
    }

    /**
     * The outgoing connection is made (the connect timeout is cancelled): in plain mode
     * ({@code engine} null) {@code request} runs at once; in secure mode {@link #channel} is
     * wrapped in TLS through {@code engine} (a client engine pinned to the server's certificate)
     * and the handshake starts, bounded by the connect timeout started again now, and
     * {@link #handshakeDone} runs when it ends.
     */
    protected final void connected(javax.net.ssl.SSLEngine engine, Connected request) throws IOException {
        if (deadline != null) {
            deadline.cancel();
        }
        if (engine == null) {
            request.run();
            return;
        }
        tls = new TlsWire(engine, channel);
        tls.traceTo(ctx.trace, label);
        deadline = ctx.loop.schedule(ctx.config.connectTimeout().toNanos(), label + " TLS handshake timeout",
                () -> fail("TLS handshake with " + peer + " not done after "
                        + ctx.config.connectTimeout().toSeconds() + " s"));
        stepHandshake();
    }

    /** True while the machine is in one of its handshake states. */
    protected final boolean isHandshaking() {
        return state != null && (state == handshakeRead || state == handshakeWrite || state == handshakeTask);
    }

    /** The TLS handshake is done: application data may flow. */
    protected abstract void handshakeDone() throws IOException;

    /**
     * Moves the TLS handshake on as far as it goes now, then to the handshake state that waits
     * for what it needs next; a delegated task runs on the background thread and steps the
     * handshake again when it is back on the loop.
     */
    protected final void stepHandshake() throws IOException {
        TlsWire.Step step = tls.handshake();
        if (step == TlsWire.Step.DONE) {
            handshakeDone();
            return;
        }
        S next = step == TlsWire.Step.NEEDS_READ ? handshakeRead
                : step == TlsWire.Step.NEEDS_WRITE ? handshakeWrite : handshakeTask;
        if (next != state) {
            moveTo(next, null);
        }
        if (step == TlsWire.Step.NEEDS_TASK) {
            List<Runnable> tasks = new ArrayList<>(2);
            for (Runnable t = tls.takeTask(); t != null; t = tls.takeTask()) {
                tasks.add(t);
            }
            transfers.tasks().submit(label + " TLS task", () -> {
                tasks.forEach(Runnable::run);
                return null;
            }, (nothing, failure) -> {
                if (state != next) {
                    return; // failed or shut down while the task ran
                }
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    stepHandshake();
                } catch (IOException | RuntimeException e) {
                    onFailure(e);
                }
            });
        }
    }

    /** Notes that bytes moved now: the idle timer counts from here. */
    protected final void progressed() {
        lastProgress = ctx.loop.now();
    }

    private long idleLimit() {
        return ctx.config.idleTimeout().toNanos();
    }

    private void checkIdle() {
        long limit = idleLimit();
        if (ctx.loop.now() - lastProgress >= limit) {
            idle = null;
            fail(idleReason());
        } else {
            idle = ctx.loop.timers().at(lastProgress + limit, label + " idle", this::checkIdle);
        }
    }

    /** Why an idle connection is failed, as the user reads it. */
    protected abstract String idleReason();

    /** Closes what the subclass owns besides the channel (files); called once, by {@link #release}. */
    protected abstract void closeResources();

    /**
     * Ends the connection: cancels its timers and key, closes its channel and what the subclass
     * owns, and tells the registry. Call after moving to a final state.
     */
    protected final void release() {
        if (deadline != null) {
            deadline.cancel();
        }
        if (idle != null) {
            idle.cancel();
            idle = null;
        }
        if (key != null) {
            key.cancel();
        }
        if (account != null) {
            account.close();
        }
        if (tls != null && channel.isOpen()) {
            try {
                tls.close(); // close_notify, as far as the socket takes it now
            } catch (IOException | RuntimeException e) {
                ctx.quiet(label + " close_notify", e);
            }
        }
        ctx.closeQuietly(channel, label + " channel");
        closeResources();
        transfers.ended(this);
    }

    /**
     * Closes the socket early, for a state that needs it no more while it waits for something
     * else (a file put in place); {@link #release} still ends the connection.
     */
    protected final void hangUp() {
        if (key != null) {
            key.cancel();
        }
        ctx.closeQuietly(channel, label + " channel");
    }

    /** The trace's name for this connection, {@code upload#3} or {@code download#4}. */
    protected final String label() {
        return label;
    }
}
