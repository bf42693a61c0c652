package p2pnio.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import p2pnio.core.Context;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.HostPort;
import p2pnio.wire.Names;
import p2pnio.wire.TransferHeader;

/**
 * The client side of one transfer connection, as a state machine.
 *
 * <pre>
 * CONNECTING --connected--> SEND_REQUEST --line sent--> READ_HEADER --74 bytes--> READ_BODY --SIZE bytes--> DONE
 *                                                   READ_BODY <--bytes again-- THROTTLED <--rate limit-- READ_BODY
 *      any state --error, connect timeout, idle timeout, early EOF, cancel--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>CONNECTING: non-blocking connect, bounded by the connect timeout.</li>
 *   <li>SEND_REQUEST: {@code Get,<name>\n}, in one write as the reference server needs (a fresh
 *       socket's buffer always takes a line this short; partial writes are still handled).</li>
 *   <li>READ_HEADER: the 74 header bytes, across any number of reads.</li>
 *   <li>READ_BODY: into {@code downloading_<name>}, through the loop's one reused direct buffer;
 *       never a byte past SIZE, and never more than the node's download rate limit grants. At
 *       exactly SIZE bytes the file is renamed to its final name.</li>
 *   <li>THROTTLED: the download rate limit ({@link TokenBucket}, shared by all downloads) had no
 *       bytes for it; no interest in I/O (the server's bytes wait in the socket buffers, and TCP
 *       flow control slows the server) until the bucket's timer moves it back to READ_BODY.</li>
 *   <li>FAILED: the partial file is deleted. No partial file survives a failure.</li>
 * </ul>
 * Every transition goes through {@link #moveTo}, which also sets the interest ops the state names.
 * Loop thread only.
 */
final class Download extends Connection<Download.State> implements TokenBucket.Waiter {

    /** The download's states, each with what it waits for. */
    enum State implements Connection.Phase {
        CONNECTING(Waits.toConnect()),
        SEND_REQUEST(Waits.toWrite()),
        READ_HEADER(Waits.toRead().withIdleCheck()),
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
            .allow(State.SEND_REQUEST, State.READ_HEADER, State.FAILED)
            .allow(State.READ_HEADER, State.READ_BODY, State.FAILED)
            .allow(State.READ_BODY, State.DONE, State.THROTTLED, State.FAILED)
            .allow(State.THROTTLED, State.READ_BODY, State.FAILED);

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    private final String name;
    private final InetSocketAddress server;
    private final HeaderParser header = new HeaderParser();
    private final BooleanSupplier onEmptyReply;
    private ByteBuffer request;
    private Path partial;
    private FileChannel out;
    private long size = -1;
    private long received;
    private long lastProgressEvent;

    Download(Context ctx, Transfers transfers, String name, InetSocketAddress server, String peer, int id,
             BooleanSupplier onEmptyReply) {
        super(ctx, transfers, TRANSITIONS, "download", id, peer);
        this.name = name;
        this.server = server;
        this.onEmptyReply = onEmptyReply;
    }

    String name() {
        return name;
    }

    void start() throws IOException {
        moveTo(State.CONNECTING, "to " + HostPort.of(server));
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        boolean connected = channel.connect(server);
        register();
        if (connected) {
            connected();
        } else {
            deadline = ctx.loop.schedule(ctx.config.connectTimeout().toNanos(), label() + " connect timeout",
                    () -> fail("connect to " + peer + " timed out after "
                            + ctx.config.connectTimeout().toSeconds() + " s"));
        }
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        switch (state) {
            case CONNECTING -> {
                if (channel.finishConnect()) {
                    connected();
                }
            }
            case SEND_REQUEST -> writeRequest();
            case READ_HEADER, READ_BODY -> read();
            default -> { } // THROTTLED, DONE, FAILED wait for nothing the selector reports
        }
    }

    private void connected() throws IOException {
        if (deadline != null) {
            deadline.cancel();
        }
        request = ByteBuffer.wrap(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8));
        moveTo(State.SEND_REQUEST, null);
        writeRequest();
    }

    private void writeRequest() throws IOException {
        channel.write(request);
        if (request.hasRemaining()) {
            return;
        }
        moveTo(State.READ_HEADER, null);
    }

    private void read() throws IOException {
        ByteBuffer buf = transfers.scratch();
        long granted = 0;
        if (state == State.READ_BODY) {
            // Never ask for more than the body still needs (what comes after SIZE is never read or
            // written), nor more than the rate limit grants.
            granted = account.take(Math.min(size - received, buf.capacity()));
            if (granted == 0) {
                moveTo(State.THROTTLED,
                        ctx.trace.on() ? "download rate limit " + transfers.downloadLimit().rate() + " B/s" : null);
                return;
            }
            buf.limit((int) granted);
        } else if (transfers.downloadLimit().limited()) {
            buf.limit(TransferHeader.BYTES - header.bytesTaken()); // the body is read only under the limit
        }
        int n = channel.read(buf);
        if (granted > 0) {
            account.unused(granted - Math.max(n, 0));
        }
        if (n < 0) {
            endOfStream();
            return;
        }
        if (n == 0) {
            return;
        }
        progressed();
        buf.flip();
        if (state == State.READ_HEADER) {
            switch (header.feed(buf)) {
                case NEED_MORE -> {
                    return;
                }
                case ERROR -> {
                    fail("bad header from " + peer + ": " + header.error());
                    return;
                }
                case DONE -> onHeader(header.header());
            }
        }
        if (state == State.READ_BODY && buf.hasRemaining()) {
            writeBody(buf);
        }
    }

    private void onHeader(TransferHeader h) throws IOException {
        size = h.size();
        String expected = cutTo64Bytes(name).replaceAll(":+$", "");
        if (!h.name().equals(expected)) {
            ctx.events.warning("'" + peer + "' sent '" + name + "' under the name '" + h.name()
                    + "'; saving it as '" + name + "'");
        }
        Path root = ctx.folder.root();
        long usable = Files.getFileStore(root).getUsableSpace();
        if (size > usable) {
            fail("not enough disk space for '" + name + "': " + size + " bytes needed, " + usable + " free");
            return;
        }
        partial = root.resolve(Names.PARTIAL_PREFIX + name);
        out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        account = transfers.downloadLimit().open(this);
        moveTo(State.READ_BODY, size + " bytes");
        bodyStarts(size);
        ctx.events.downloadStarted(name, peer, size);
        if (size == 0) {
            complete();
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
        if (received == size) {
            complete();
        } else if (lastProgress - lastProgressEvent >= PROGRESS_EVERY_NANOS) {
            lastProgressEvent = lastProgress;
            ctx.events.downloadProgress(name, received, size, lastProgress - started);
        }
    }

    private void complete() throws IOException {
        out.close();
        out = null;
        Path target = ctx.folder.root().resolve(name);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        partial = null;
        moveTo(State.DONE, null);
        release();
        ctx.counters.downloadsDone++;
        ctx.folder.added(name, target, size);
        ctx.events.downloadFinished(name, peer, size, ctx.loop.now() - started, target);
    }

    private void endOfStream() {
        if (state == State.READ_BODY) {
            fail("connection closed after " + received + " of " + size + " bytes");
        } else if (header.bytesTaken() == 0) {
            emptyReply(peer + " closed without sending a header (it no longer has '" + name + "'?)");
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
        }
    }

    @Override
    protected String idleReason() {
        return "no data from " + peer + " for " + ctx.config.idleTimeout().toSeconds() + " s";
    }

    /**
     * The server closed without a byte: it has no such file. A {@code File} carries no name, so
     * its answer may have been meant for another of our requests; the request may then wait
     * again for another answer instead of failing.
     */
    private void emptyReply(String reason) {
        if (onEmptyReply == null) {
            fail(reason);
            return;
        }
        moveTo(State.FAILED, reason);
        release();
        if (onEmptyReply.getAsBoolean()) {
            ctx.events.warning(peer + " has no '" + name + "' (its File answered another request:"
                    + " a File carries no name); waiting for another answer");
        } else {
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(name, reason);
        }
    }

    /** Fails the download and deletes its partial file; safe in any state. */
    @Override
    public void fail(String reason) {
        if (ended()) {
            return;
        }
        moveTo(State.FAILED, reason);
        release();
        ctx.counters.downloadsFailed++;
        ctx.events.downloadFailed(name, reason);
    }

    @Override
    public void onFailure(Exception cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        fail(state == State.CONNECTING ? "cannot connect to " + peer + ": " + why
                : "connection to " + peer + " failed: " + why);
    }

    /** Closes the partial file and deletes it: no failure leaves one behind. */
    @Override
    protected void closeResources() {
        ctx.closeQuietly(out, label() + " partial file"); // deleted next: nothing can be lost
        out = null;
        if (partial != null) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                ctx.events.warning("could not delete partial file " + partial + ": " + e.getMessage());
            }
            partial = null;
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
