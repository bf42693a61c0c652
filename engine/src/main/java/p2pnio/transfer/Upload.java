package p2pnio.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import p2pnio.core.Context;
import p2pnio.secure.Tls;
import p2pnio.secure.TlsWire;
import p2pnio.share.SharedFolder;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.Names;
import p2pnio.wire.Range;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/**
 * The server side of one transfer connection, as a state machine.
 *
 * <pre>
 * (secure mode) HANDSHAKE_READ &lt;--&gt; HANDSHAKE_WRITE, HANDSHAKE_TASK --done--> READ_REQUEST
 * READ_REQUEST --line--> RESOLVE --found--> OPENING --opened--> SEND_HEADER --74 bytes--> SEND_BODY --SIZE bytes--> DRAIN --EOF--> DONE
 *                                SEND_BODY --socket full--> WAIT_WRITABLE --writable--> SEND_BODY
 *                                SEND_BODY --rate limit--> THROTTLED --bytes again--> SEND_BODY
 *      READ_REQUEST, RESOLVE, OPENING --bad range, no such file, range outside it--> REFUSE --line sent--> FAILED
 *      any state --error, deadline, idle timeout, peer reset--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>HANDSHAKE_READ, HANDSHAKE_WRITE, HANDSHAKE_TASK (secure mode only): the TLS 1.3
 *       handshake, waiting to read, to write, or for a delegated task on the background thread
 *       (no interest meanwhile). The client must present a member's certificate. The request
 *       deadline runs from the accept, so a handshake that stalls fails the upload and frees
 *       its slot.</li>
 *   <li>READ_REQUEST: read {@code Get,<name>\n} across any number of reads, with a bound on its
 *       length and one deadline for the whole line (bytes trickling in do not extend it).</li>
 *   <li>RESOLVE: find the base name in the folder's index (waits for a scan on a miss); no
 *       interest in I/O meanwhile.</li>
 *   <li>OPENING: the file is opened on the node's file thread (opening walks the path and may
 *       stall on the disk); no interest in I/O meanwhile.</li>
 *   <li>SEND_HEADER: write the 74-byte header (for a ranged request, {@code Get,<name>,p2pnio/1,<offset>,<length>},
 *       the {@code RANGE,...} line of {@link Range} instead), across partial writes.</li>
 *   <li>REFUSE: a ranged request that cannot be served (malformed range, no such file, range
 *       outside the file): write the {@code REFUSED,...} line that says why, then close. The
 *       refusal is counted by reason ({@code Counters.rangesRefused}).</li>
 *   <li>SEND_BODY: the socket can take bytes: the upload waits its turn in the {@link SendRound},
 *       which gives it a slice of the turn's byte budget (at most {@code sendChunkBytes}) for one
 *       {@code FileChannel.transferTo}, round-robin with the other uploads. No interest ops: the
 *       round, not the selector, says when. In secure mode {@code transferTo} cannot be used (the
 *       kernel would send the file's bytes unencrypted): the slice is read from the file into a
 *       direct buffer and written through TLS.</li>
 *   <li>WAIT_WRITABLE: the socket took less than the slice (the client has not read yet; in
 *       secure mode, ciphertext waits in the TLS layer):
 *       {@code OP_WRITE} until the selector reports room, then back to SEND_BODY.</li>
 *   <li>THROTTLED: the node's upload rate limit ({@link TokenBucket}) had no bytes for it; no
 *       interest in I/O until the bucket's timer reserves bytes for it and moves it back to
 *       SEND_BODY. Not idle-checked: the wait is ours, not the client's.</li>
 *   <li>DRAIN: output shut down; read and discard until the client closes (or a short linger
 *       timeout), so unread bytes do not turn our close into a reset that could destroy the
 *       body's last bytes in flight.</li>
 * </ul>
 * Every transition goes through {@link #moveTo}, which also sets the interest ops the state names.
 * Loop thread only.
 */
final class Upload extends Connection<Upload.State> implements TokenBucket.Waiter {

    /** The upload's states, each with what it waits for. */
    enum State implements Connection.Phase {
        HANDSHAKE_READ(Waits.toRead()),
        HANDSHAKE_WRITE(Waits.toWrite()),
        HANDSHAKE_TASK(Waits.forNothing()),
        READ_REQUEST(Waits.toRead()),
        RESOLVE(Waits.forNothing()),
        OPENING(Waits.forNothing()),
        SEND_HEADER(Waits.toWrite().withIdleCheck()),
        REFUSE(Waits.toWrite().withIdleCheck()),
        SEND_BODY(Waits.forNothing()),
        WAIT_WRITABLE(Waits.toWrite().withIdleCheck()),
        THROTTLED(Waits.forNothing()),
        DRAIN(Waits.toRead()),
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
    static final Transitions<State> TRANSITIONS = Transitions.startingAt(State.READ_REQUEST)
            .orStartingAt(State.HANDSHAKE_READ)
            .allow(State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.HANDSHAKE_TASK, State.READ_REQUEST, State.FAILED)
            .allow(State.HANDSHAKE_WRITE, State.HANDSHAKE_READ, State.HANDSHAKE_TASK, State.READ_REQUEST, State.FAILED)
            .allow(State.HANDSHAKE_TASK, State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.READ_REQUEST, State.FAILED)
            .allow(State.READ_REQUEST, State.RESOLVE, State.REFUSE, State.FAILED)
            .allow(State.RESOLVE, State.OPENING, State.REFUSE, State.FAILED)
            .allow(State.OPENING, State.SEND_HEADER, State.REFUSE, State.FAILED)
            .allow(State.REFUSE, State.FAILED)
            .allow(State.SEND_HEADER, State.SEND_BODY, State.FAILED)
            .allow(State.SEND_BODY, State.DRAIN, State.WAIT_WRITABLE, State.THROTTLED, State.FAILED)
            .allow(State.WAIT_WRITABLE, State.SEND_BODY, State.FAILED)
            .allow(State.THROTTLED, State.SEND_BODY, State.FAILED)
            .allow(State.DRAIN, State.DONE, State.FAILED);

    private static final long LINGER_NANOS = 2_000_000_000L;
    /**
     * Secure mode: the direct buffer the file is read into, several TLS records long (a TLS write
     * takes up to {@code TlsWire.WRITE_BATCH} records, the whole chunk, at once).
     */
    private static final int TLS_CHUNK_BYTES = 256 * 1024;
    /** TLS's largest plaintext per record: the chunk is topped up from the file when less is left, so records stay full. */
    private static final int TLS_RECORD_BYTES = 16 * 1024;

    private final RequestLineParser parser;
    private ByteBuffer header;
    /** The shared file, opened and closed off the loop; null before RESOLVE and once closed. */
    private SharedFolder.Reader reader;
    private FileChannel file;
    private String name = "?";
    private long size = -1;
    /** The range asked for; null for a plain request (the whole file). */
    private Range range;
    /** Why the request is refused, while REFUSE writes the refusal line. */
    private String refusal;
    /** The first body byte and one past the last: 0 and SIZE unless ranged. */
    private long first;
    private long end = -1;
    private long position;
    /** Secure mode: file bytes read, not yet taken by TLS (read mode; they start at {@link #position}). */
    private ByteBuffer chunk;
    /** True while the upload waits in the turn's {@link SendRound}; only the round sets it. */
    boolean inRing;

    /** {@code tls}: TLS over {@code channel} in secure mode, null for plain TCP. */
    Upload(Context ctx, Transfers transfers, SocketChannel channel, int id, String peer, TlsWire tls) {
        super(ctx, transfers, TRANSITIONS, "upload", id, peer);
        this.channel = channel;
        this.tls = tls;
        handshakeStates(State.HANDSHAKE_READ, State.HANDSHAKE_WRITE, State.HANDSHAKE_TASK);
        if (tls != null) {
            tls.traceTo(ctx.trace, label());
        }
        this.parser = new RequestLineParser(ctx.config.maxRequestLineBytes());
    }

    void start() throws IOException {
        moveTo(tls == null ? State.READ_REQUEST : State.HANDSHAKE_READ, tls == null ? null : "TLS");
        register();
        deadline = ctx.loop.schedule(ctx.config.requestLineTimeout().toNanos(), label() + " request deadline",
                () -> fail((state == State.READ_REQUEST ? "no complete request line" : "no TLS handshake")
                        + " within " + ctx.config.requestLineTimeout().toSeconds() + " s"));
    }

    /** The client proved a member's certificate (checked again here: a resumed session skips the trust manager). */
    @Override
    protected void handshakeDone() throws IOException {
        if (!transfers.isMember(Tls.peer(tls.engine().getSession()))) {
            fail("TLS client certificate is not a member's");
            return;
        }
        moveTo(State.READ_REQUEST, "TLS done");
        readRequest(); // the request may have come with the handshake's last bytes: the selector will not say so
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        switch (state) {
            case HANDSHAKE_READ, HANDSHAKE_WRITE -> stepHandshake();
            case READ_REQUEST -> readRequest();
            case SEND_HEADER -> writeHeader();
            case REFUSE -> writeRefusal();
            case WAIT_WRITABLE -> {
                if (tls == null || tls.flush()) {
                    writable();
                }
            }
            case DRAIN -> drain();
            default -> { } // RESOLVE, OPENING, SEND_BODY, THROTTLED, DONE, FAILED wait for nothing the selector reports
        }
    }

    private void readRequest() throws IOException {
        ByteBuffer buf = transfers.scratch();
        int n = readIn(buf);
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
        Range.Ask ask = Range.ask(line);
        if (ask instanceof Range.Malformed m) {
            refuse(-1, Range.Refusal.MALFORMED, "malformed range: " + m.why());
            return;
        }
        if (ask instanceof Range.Ranged r) {
            range = r.range();
        }
        moveTo(State.RESOLVE, name);
        ctx.folder.lookup(base, this::resolved);
    }

    private void resolved(SharedFolder.Entry entry) {
        if (state != State.RESOLVE) {
            return; // failed or shut down while the index was being rebuilt
        }
        if (entry == null && range != null) {
            refuse(-1, Range.Refusal.MISSING, "no file called '" + name + "' in the shared folder");
            return;
        }
        if (entry == null) {
            fail("no file called '" + name + "' in the shared folder");
            return;
        }
        reader = ctx.folder.reader(entry);
        moveTo(State.OPENING, entry.path().toString());
        ctx.files.submit("open '" + name + "'", reader::open, this::opened);
    }

    private void opened(SharedFolder.Reader opened, IOException failure) {
        if (state != State.OPENING) {
            return; // failed or shut down meanwhile: the file is closed by closeResources, queued after the open
        }
        if (failure != null) {
            fail("cannot open '" + name + "': " + failure.getMessage());
            return;
        }
        file = opened.channel();
        size = opened.size();
        if (size > TransferHeader.MAX_SIZE) {
            fail("'" + name + "' has " + size + " bytes, more than the 10-digit SIZE field can announce");
            return;
        }
        if (range == null) {
            end = size;
            header = ByteBuffer.allocate(TransferHeader.BYTES);
            TransferHeader.encode(size, opened.entry().name(), header);
            header.flip();
        } else if (!range.fits(size)) {
            refuse(size, Range.Refusal.OUTSIDE, "range " + range + " outside the " + size + " bytes of '" + name + "'");
            return;
        } else {
            first = range.offset();
            end = range.end();
            position = first;
            header = ByteBuffer.wrap(Range.accepted(range, size));
            ctx.counters.rangesServed++;
        }
        moveTo(State.SEND_HEADER, range == null ? size + " bytes" : "bytes " + range + " of " + size);
        bodyStarts(end - first);
        try {
            writeHeader(); // the socket is almost always writable now: save a trip through select
        } catch (IOException e) {
            fail(e.toString());
        }
    }

    private void writeHeader() throws IOException {
        if (header.hasRemaining() && writeOut(header) > 0) {
            progressed();
        }
        if (!allOut(header)) {
            return;
        }
        account = transfers.uploadLimit().open(this);
        if (end == first) {
            moveTo(State.SEND_BODY, null);
            finish();
        } else {
            sendAgain(); // the body starts in this turn's send round
        }
    }

    /** The socket has room again (and TLS's ciphertext is all out): the last bytes were sent, or more can go. */
    private void writable() throws IOException {
        if (position == end) {
            finish();
        } else {
            sendAgain();
        }
    }

    /** Back to the send round: the socket has room, or the rate limit has bytes again. */
    private void sendAgain() {
        moveTo(State.SEND_BODY, null);
        transfers.readyToSend(this);
    }

    /**
     * Sends at most {@code max} body bytes, this upload's slice of the turn (called by
     * {@link SendRound}); returns how many went out. A failure fails this upload only.
     */
    long sendSlice(long max) {
        if (state != State.SEND_BODY) {
            return 0; // failed or shut down since it joined the ring
        }
        try {
            return sendBody(max);
        } catch (IOException | RuntimeException e) {
            onFailure(e);
            return 0;
        }
    }

    private long sendBody(long max) throws IOException {
        long want = Math.min(max, end - position);
        long granted = account.take(want);
        if (granted == 0) {
            moveTo(State.THROTTLED,
                    ctx.trace.on() ? "upload rate limit " + transfers.uploadLimit().rate() + " B/s" : null);
            return 0;
        }
        long n;
        if (tls == null) {
            n = file.transferTo(position, granted, channel);
            ctx.counters.transferToCalls++;
            if (ctx.trace.on()) {
                ctx.trace.line(label() + " transferTo(position=" + position + ", count=" + granted + ") = " + n);
            }
        } else {
            n = sendTls(granted);
        }
        account.unused(granted - n);
        if (n == 0 && file.size() < end) {
            fail("'" + name + "' shrank to " + file.size() + " bytes while being sent");
            return 0;
        }
        position += n;
        ctx.counters.bytesSent += n;
        if (n > 0) {
            progressed();
        }
        if (position == end && (tls == null || !tls.pending())) {
            finish();
        } else if (n < granted || position == end) {
            moveTo(State.WAIT_WRITABLE, null); // the socket is full: the selector says when the client has read
        } else {
            transfers.readyToSend(this); // its socket still has room: to the back of the ring
        }
        return n;
    }

    /**
     * Secure mode: up to {@code max} file bytes from {@link #position}, read into a direct buffer
     * and written through TLS, several records at a time, until the socket is full; the plaintext
     * bytes TLS took. Bytes read but not taken stay in {@link #chunk} for the next slice. The chunk
     * is topped up before less than a record is left in it: a record is cut where the plaintext
     * handed to the engine ends, and a chunk through 16,367-byte records (JDK 17's TLS 1.3)
     * would otherwise leave a short record behind every chunk, each costing a record's overhead.
     */
    private long sendTls(long max) throws IOException {
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(TLS_CHUNK_BYTES).flip();
        }
        long sent = 0;
        while (sent < max) {
            long unread = end - position - sent - chunk.remaining();
            if (chunk.remaining() < TLS_RECORD_BYTES && unread > 0) {
                long at = position + sent + chunk.remaining();
                chunk.compact();
                chunk.limit((int) Math.min(chunk.capacity(), chunk.position() + unread));
                int r = file.read(chunk, at);
                chunk.flip();
                if (r <= 0 && !chunk.hasRemaining()) {
                    break; // the file shrank: sendBody says so
                }
            }
            int all = chunk.limit();
            chunk.limit(chunk.position() + (int) Math.min(chunk.remaining(), max - sent));
            int n = tls.write(chunk);
            chunk.limit(all);
            if (n == 0) {
                break; // the socket is full
            }
            sent += n;
        }
        return sent;
    }

    /** The rate limit reserved bytes for this upload: back to the send round. */
    @Override
    public void resume() {
        if (state == State.THROTTLED) {
            sendAgain();
        }
    }

    /** Answers a ranged request it cannot serve with the {@code REFUSED} line, then closes. */
    private void refuse(long total, Range.Refusal why, String reason) {
        ctx.counters.rangeRefused(why);
        refusal = reason;
        header = ByteBuffer.wrap(Range.refused(total, why));
        moveTo(State.REFUSE, reason);
        try {
            writeRefusal(); // almost always writable now
        } catch (IOException e) {
            fail(e.toString());
        }
    }

    private void writeRefusal() throws IOException {
        if (header.hasRemaining() && writeOut(header) > 0) {
            progressed();
        }
        if (allOut(header)) {
            fail("refused: " + refusal); // the client has read nothing more than its line: the close is clean
        }
    }

    private void finish() throws IOException {
        closeResources();
        ctx.counters.uploadsDone++;
        ctx.events.uploadFinished(name, peer, end - first, ctx.loop.now() - started);
        moveTo(State.DRAIN, null);
        if (tls != null) {
            tls.close(); // close_notify before the FIN: the client knows the body was not cut short
        }
        channel.shutdownOutput();
        deadline = ctx.loop.schedule(LINGER_NANOS, label() + " linger", () -> {
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

    @Override
    protected String idleReason() {
        return "client read nothing for " + ctx.config.idleTimeout().toSeconds() + " s";
    }

    /** Ends the upload early; safe to call in any state. */
    @Override
    public void fail(String reason) {
        if (ended()) {
            return;
        }
        boolean afterBody = state == State.DRAIN;
        moveTo(State.FAILED, reason);
        release();
        if (!afterBody) {
            ctx.counters.uploadsFailed++;
            ctx.events.uploadFailed(name, peer, reason);
        }
    }

    @Override
    public void onFailure(Exception cause) {
        fail("connection failed: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }

    /** Closes the shared file on the file thread (after its open, if that is still queued). */
    @Override
    protected void closeResources() {
        file = null;
        if (reader != null) {
            SharedFolder.Reader r = reader;
            reader = null;
            String what = label() + " file " + name;
            ctx.files.submit("close " + what, () -> {
                r.close();
                return null;
            }, (nothing, failure) -> {
                if (failure != null) {
                    ctx.quiet(what + ": close failed", failure); // read-only: nothing can be lost
                }
            });
        }
    }

    State state() {
        return state;
    }

    @Override
    public Transfers.Snapshot info() {
        return new Transfers.Snapshot("upload", name, peer, position - first, end - first, state.name(),
                ctx.loop.now() - started);
    }

    @Override
    public String toString() {
        return label() + " " + name + " to " + peer + " " + state;
    }
}
