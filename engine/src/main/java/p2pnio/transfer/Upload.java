package p2pnio.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import p2pnio.NodeEvent;
import p2pnio.core.Context;
import p2pnio.loop.Handler;
import p2pnio.loop.Timers;
import p2pnio.share.SharedFolder;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.Names;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/**
 * The server side of one transfer connection, as a state machine.
 *
 * <pre>
 * READ_REQUEST --line--> RESOLVE --found--> SEND_HEADER --74 bytes--> SEND_BODY --SIZE bytes--> DRAIN --EOF--> DONE
 *      any state --error, deadline, idle timeout, peer reset--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>READ_REQUEST: read {@code Get,<name>\n} across any number of reads, with a bound on its
 *       length and one deadline for the whole line (bytes trickling in do not extend it).</li>
 *   <li>RESOLVE: find the base name in the folder's index (waits for a scan on a miss); no
 *       interest in I/O meanwhile.</li>
 *   <li>SEND_HEADER: write the 74-byte header, across partial writes.</li>
 *   <li>SEND_BODY: {@code FileChannel.transferTo} at most {@code sendChunkBytes} per readiness, so
 *       one large upload cannot starve the others.</li>
 *   <li>DRAIN: output shut down; read and discard until the client closes (or a short linger
 *       timeout), so unread bytes do not turn our close into a reset that could destroy the
 *       body's last bytes in flight.</li>
 * </ul>
 * Every transition goes through {@link #moveTo}. Loop thread only.
 */
final class Upload implements Handler, Transfers.Transfer {

    enum State { READ_REQUEST, RESOLVE, SEND_HEADER, SEND_BODY, DRAIN, DONE, FAILED }

    /** Every legal move; {@link #moveTo} enforces it and docs/state-machines.md draws it. */
    static final Transitions<State> TRANSITIONS = Transitions.startingAt(State.READ_REQUEST)
            .allow(State.READ_REQUEST, State.RESOLVE, State.FAILED)
            .allow(State.RESOLVE, State.SEND_HEADER, State.FAILED)
            .allow(State.SEND_HEADER, State.SEND_BODY, State.FAILED)
            .allow(State.SEND_BODY, State.DRAIN, State.FAILED)
            .allow(State.DRAIN, State.DONE, State.FAILED);

    private static final long LINGER_NANOS = 2_000_000_000L;

    private final Context ctx;
    private final Transfers transfers;
    private final SocketChannel channel;
    private final int id;
    private final String peer;
    private final long started;
    private SelectionKey key;
    private State state;
    private final RequestLineParser parser;
    private ByteBuffer header;
    private FileChannel file;
    private String name = "?";
    private long size = -1;
    private long position;
    private long lastProgress;
    private Timers.Timer deadline;
    private Timers.Timer idle;

    Upload(Context ctx, Transfers transfers, SocketChannel channel, int id, String peer) {
        this.ctx = ctx;
        this.transfers = transfers;
        this.channel = channel;
        this.id = id;
        this.peer = peer;
        this.started = ctx.loop.now();
        this.lastProgress = started;
        this.parser = new RequestLineParser(ctx.config.maxRequestLineBytes());
    }

    void start() throws IOException {
        moveTo(State.READ_REQUEST, null);
        key = ctx.loop.register(channel, SelectionKey.OP_READ, this);
        deadline = ctx.loop.schedule(ctx.config.requestLineTimeout().toNanos(), "upload#" + id + " request deadline",
                () -> fail("no complete request line within " + ctx.config.requestLineTimeout().toSeconds() + " s"));
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        switch (state) {
            case READ_REQUEST -> readRequest();
            case SEND_HEADER -> writeHeader();
            case SEND_BODY -> sendBody();
            case DRAIN -> drain();
            default -> key.interestOps(0); // RESOLVE waits for the index, not for I/O
        }
    }

    private void readRequest() throws IOException {
        ByteBuffer buf = transfers.scratch();
        int n = channel.read(buf);
        if (n < 0) {
            if (parser.endOfInput() == RequestLineParser.Status.DONE) {
                onRequestLine(parser.line());
            } else {
                fail("closed before sending a request");
            }
            return;
        }
        buf.flip();
        switch (parser.feed(buf)) {
            case TOO_LONG -> fail("request line longer than " + ctx.config.maxRequestLineBytes() + " bytes");
            case DONE -> onRequestLine(parser.line());
            case NEED_MORE -> { }
        }
    }

    private void onRequestLine(String line) {
        deadline.cancel();
        ControlCodec.Decoded d = ControlCodec.decode(line);
        if (!(d.message() instanceof ControlMessage.Get get)) {
            fail("expected 'Get,<name>', got " + (d.ok() ? d.message().getClass().getSimpleName() : d.dropped()));
            return;
        }
        String base = Names.baseName(get.name());
        String why = Names.whyNotServable(base);
        if (why != null) {
            fail("refused name: " + why);
            return;
        }
        name = base;
        moveTo(State.RESOLVE, name);
        key.interestOps(0);
        ctx.folder.lookup(base, this::resolved);
    }

    private void resolved(SharedFolder.Entry entry) {
        if (state != State.RESOLVE) {
            return; // failed or shut down while the index was being rebuilt
        }
        if (entry == null) {
            fail("no file called '" + name + "' in the shared folder");
            return;
        }
        try {
            file = ctx.folder.open(entry);
            size = file.size();
        } catch (IOException e) {
            fail("cannot open '" + name + "': " + e.getMessage());
            return;
        }
        if (size > TransferHeader.MAX_SIZE) {
            fail("'" + name + "' has " + size + " bytes, more than the 10-digit SIZE field can announce");
            return;
        }
        header = ByteBuffer.allocate(TransferHeader.BYTES);
        TransferHeader.encode(size, entry.name(), header);
        header.flip();
        moveTo(State.SEND_HEADER, size + " bytes");
        key.interestOps(SelectionKey.OP_WRITE);
        idle = ctx.loop.schedule(ctx.config.idleTimeout().toNanos(), "upload#" + id + " idle", this::checkIdle);
        try {
            writeHeader(); // the socket is almost always writable now: save a trip through select
        } catch (IOException e) {
            fail(e.toString());
        }
    }

    private void writeHeader() throws IOException {
        if (channel.write(header) > 0) {
            lastProgress = ctx.loop.now();
        }
        if (header.hasRemaining()) {
            return;
        }
        moveTo(State.SEND_BODY, null);
        sendBody();
    }

    private void sendBody() throws IOException {
        long want = Math.min(ctx.config.sendChunkBytes(), size - position);
        if (want > 0) {
            long n = file.transferTo(position, want, channel);
            ctx.counters.transferToCalls++;
            if (ctx.trace.on()) {
                ctx.trace.line("upload#" + id + " transferTo(position=" + position + ", count=" + want + ") = " + n);
            }
            if (n == 0) {
                if (file.size() < size) {
                    fail("'" + name + "' shrank to " + file.size() + " bytes while being sent");
                }
                return; // socket buffer full: OP_WRITE brings us back
            }
            position += n;
            ctx.counters.bytesSent += n;
            lastProgress = ctx.loop.now();
        }
        if (position == size) {
            finish();
        }
    }

    private void finish() throws IOException {
        closeFile();
        ctx.counters.uploadsDone++;
        ctx.emit(new NodeEvent.UploadFinished(name, peer, size, ctx.loop.now() - started));
        idle.cancel();
        moveTo(State.DRAIN, null);
        channel.shutdownOutput();
        key.interestOps(SelectionKey.OP_READ);
        deadline = ctx.loop.schedule(LINGER_NANOS, "upload#" + id + " linger", () -> {
            if (state == State.DRAIN) {
                done();
            }
        });
    }

    private void drain() throws IOException {
        ByteBuffer buf = transfers.scratch();
        if (channel.read(buf) < 0) {
            done();
        }
    }

    private void done() {
        moveTo(State.DONE, null);
        release();
    }

    private void checkIdle() {
        if (state != State.SEND_HEADER && state != State.SEND_BODY) {
            return;
        }
        long quietFor = ctx.loop.now() - lastProgress;
        long limit = ctx.config.idleTimeout().toNanos();
        if (quietFor >= limit) {
            fail("client read nothing for " + ctx.config.idleTimeout().toSeconds() + " s");
        } else {
            idle = ctx.loop.timers().at(lastProgress + limit, "upload#" + id + " idle", this::checkIdle);
        }
    }

    /** Ends the upload early; safe to call in any state. */
    @Override
    public void fail(String reason) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        boolean afterBody = state == State.DRAIN;
        moveTo(State.FAILED, reason);
        release();
        if (!afterBody) {
            ctx.counters.uploadsFailed++;
            ctx.emit(new NodeEvent.UploadFailed(name, peer, reason));
        }
    }

    @Override
    public void onFailure(Exception cause) {
        fail("connection failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }

    private void release() {
        if (deadline != null) {
            deadline.cancel();
        }
        if (idle != null) {
            idle.cancel();
        }
        closeFile();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the connection is over either way
        }
        transfers.ended(this);
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // read-only file: nothing was lost
            }
            file = null;
        }
    }

    private void moveTo(State next, String detail) {
        TRANSITIONS.check(state, next);
        if (ctx.trace.on()) {
            ctx.trace.line("upload#" + id + " " + (state == null ? "NEW" : state) + " -> " + next
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        state = next;
    }

    State state() {
        return state;
    }

    @Override
    public NodeEvent.TransferInfo info() {
        return new NodeEvent.TransferInfo("upload", name, peer, position, size, state.name(),
                ctx.loop.now() - started);
    }

    @Override
    public String toString() {
        return "upload#" + id + " " + name + " to " + peer + " " + state;
    }
}
