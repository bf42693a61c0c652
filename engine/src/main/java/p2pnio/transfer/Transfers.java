package p2pnio.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import p2pnio.core.Attempt;
import p2pnio.core.Context;
import p2pnio.loop.Handler;
import p2pnio.loop.OffLoop;
import p2pnio.secure.Fingerprint;
import p2pnio.secure.SecureMode;
import p2pnio.secure.TlsWire;
import p2pnio.wire.HostPort;

/**
 * The TCP side of a node: the listening socket that accepts uploads, every upload and download
 * connection, the limits on how many run at once, the one read buffer they all share, the
 * turn's {@link SendRound} that shares the sending fairly among uploads, and the two rate limits
 * ({@link TokenBucket}s: one for all uploads, one for all downloads).
 *
 * <p>One buffer serves every read because only the loop thread reads, and it reads one
 * connection at a time: a direct buffer, so the kernel copies straight into it, reused so no
 * read allocates.
 *
 * <p>In secure mode ({@link SecureMode} given) every connection runs TLS 1.3: an upload accepts
 * only a member's client certificate, a download only the certificate its server announced in its
 * sealed answer (each source of a download from several, its own). Loop thread only.
 */
public final class Transfers implements Handler {

    /** What the registry needs of a transfer of either direction. */
    interface Transfer {
        void fail(String reason);

        Snapshot info();
    }

    /**
     * One transfer as {@link #snapshot} reports it: its direction ({@code upload} or
     * {@code download}), name, peer, bytes moved so far of {@code size}, state and age.
     */
    public record Snapshot(String direction, String name, String peer, long bytes, long size, String state,
                           long elapsedNanos) { }

    /**
     * One source of a download from several: its transfer endpoint, and the control endpoint
     * whose answer named it (null if none did); in secure mode the sealed datagrams from that
     * control endpoint announced the certificate the source's connections pin.
     */
    public record Source(InetSocketAddress server, InetSocketAddress answeredFrom) { }

    /** How long accepting pauses after accept() failed. */
    static final long ACCEPT_PAUSE_MILLIS = 100;
    private static final int RECENT = 20;
    /** Default piece of a download from several sources: large enough that a request costs little, small enough to share a file out. */
    public static final long PIECE_BYTES = 4L << 20;
    /** Size of the shared read buffer. */
    public static final int SCRATCH_BYTES = 256 * 1024;

    private final Context ctx;
    private final ServerSocketChannel server;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES);
    private final Set<Upload> uploads = new LinkedHashSet<>();
    private final Map<String, Download> downloads = new LinkedHashMap<>();
    /** Downloads from several sources at once, by name (issue #12). */
    private final Map<String, Swarm> swarms = new LinkedHashMap<>();
    private final Deque<Snapshot> recent = new ArrayDeque<>();
    private final SendRound sendRound;
    /** Downloads asked for and not started yet: at most {@code downloadStartsPerTurn} start per turn. */
    private final Starts starts;
    private final TokenBucket uploadLimit;
    private final TokenBucket downloadLimit;
    /** Secure mode (TLS on every connection), or null for the reference protocol's plain TCP. */
    private final SecureMode secure;
    /** Runs TLS handshakes' delegated tasks off the loop; null in plain mode. */
    private final OffLoop tasks;
    private int nextId = 1;
    private SelectionKey acceptKey;

    /** Binds the listening socket to {@code host} on a free port, as the reference node does. */
    public Transfers(Context ctx, InetSocketAddress bind) throws IOException {
        this(ctx, bind, null, null);
    }

    /**
     * Like {@link #Transfers(Context, InetSocketAddress)}; with {@code secure} (null for plain TCP)
     * every connection runs TLS, whose handshakes' delegated tasks run on {@code background}.
     */
    public Transfers(Context ctx, InetSocketAddress bind, SecureMode secure, Executor background) throws IOException {
        this.ctx = ctx;
        this.secure = secure;
        this.tasks = secure == null ? null : new OffLoop(ctx.loop, background);
        this.sendRound = new SendRound(ctx.config.sendBytesPerTurn(), ctx.config.sendChunkBytes());
        this.starts = new Starts(ctx.config.downloadStartsPerTurn(), this::begin);
        this.uploadLimit = new TokenBucket("upload", ctx.loop.timers(), ctx.loop::now, ctx.config.maxUploadRate());
        this.downloadLimit = new TokenBucket("download", ctx.loop.timers(), ctx.loop::now,
                ctx.config.maxDownloadRate());
        this.server = ServerSocketChannel.open();
        try {
            server.configureBlocking(false);
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, 1024);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code tcp <host:port>}, the listening socket: how the trace and a turn's report name it. */
    @Override
    public String toString() {
        try {
            return "tcp " + HostPort.of(localAddress());
        } catch (IOException e) {
            return "tcp (closed)";
        }
    }

    /** Starts accepting, and sending bodies once per turn after the ready keys were handled. */
    public void start() throws IOException {
        acceptKey = ctx.loop.register(server, SelectionKey.OP_ACCEPT, this);
        ctx.loop.afterHandlers(starts);
        ctx.loop.afterHandlers(sendRound);
    }

    /** The rate limit all uploads share (bytes per second, live; 0 unlimited). */
    public TokenBucket uploadLimit() {
        return uploadLimit;
    }

    /** The rate limit all downloads share, whatever number of connections each uses. */
    public TokenBucket downloadLimit() {
        return downloadLimit;
    }

    /** {@code upload} can send body bytes: it takes its place in the turn's round. */
    void readyToSend(Upload upload) {
        sendRound.ready(upload);
    }

    /** The bound listening address. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        int most = ctx.config.acceptsPerTurn(); // the rest wait in the backlog: the key stays ready
        for (int i = 0; i < most; i++) {
            SocketChannel channel = server.accept();
            if (channel == null) {
                return;
            }
            accept(channel);
        }
    }

    private void accept(SocketChannel channel) {
        String peer = "?";
        try {
            peer = HostPort.of((InetSocketAddress) channel.getRemoteAddress());
            if (uploads.size() >= ctx.config.maxUploads()) {
                ctx.counters.connectionsRefused++;
                if (ctx.trace.on()) {
                    ctx.trace.line("accept " + peer + " refused: " + uploads.size() + " uploads open");
                }
                ctx.closeQuietly(channel, "refused connection from " + peer);
                return;
            }
            channel.configureBlocking(false);
            Upload upload = new Upload(ctx, this, channel, nextId++, peer,
                    secure == null ? null : new TlsWire(secure.tls().server(), channel));
            uploads.add(upload);
            ctx.counters.uploadsOpen++;
            if (ctx.trace.on()) {
                ctx.trace.line("accept " + peer + " -> upload#" + (nextId - 1));
            }
            try {
                upload.start();
            } catch (IOException | RuntimeException e) {
                upload.fail("could not start serving: " + e.getMessage());
            }
        } catch (IOException e) {
            ctx.events.uploadFailed("?", peer, "accept failed: " + e.getMessage());
            ctx.closeQuietly(channel, "accepted connection from " + peer);
        }
    }

    /**
     * {@code accept()} itself failed, for example out of file descriptors: the listening socket is
     * kept, but stops accepting for {@value #ACCEPT_PAUSE_MILLIS} ms. Connections wait in the
     * kernel's backlog meanwhile; without the pause, a listener still ready would fail again on
     * every turn and keep the loop busy doing nothing.
     */
    @Override
    public void onFailure(Exception cause) {
        ctx.events.warning("accept failed: " + cause + "; accepting again in " + ACCEPT_PAUSE_MILLIS + " ms");
        SelectionKey key = acceptKey;
        if (key != null && key.isValid()) {
            key.interestOps(0);
            ctx.loop.schedule(ACCEPT_PAUSE_MILLIS * 1_000_000L, "accept again", () -> {
                if (key.isValid()) {
                    key.interestOps(SelectionKey.OP_ACCEPT);
                }
            });
        }
    }

    /**
     * Starts downloading {@code name} from the transfer endpoint {@code server} of {@code peer}.
     * Failures (limits, connect errors) come back as {@link p2pnio.core.Events#downloadFailed}.
     */
    public void download(String name, InetSocketAddress server, String peer) {
        download(name, server, peer, null, null);
    }

    /**
     * Like {@link #download(String, InetSocketAddress, String)}, as one try of a request:
     * {@code attempt} (null for none) hears how the try ended, up to the header. A server that
     * gives no header byte is then the request's to judge ({@link Attempt#noHeader}). In secure
     * mode the server must present the certificate whose fingerprint the sealed datagrams from
     * {@code answeredFrom} carry; a download with no such fingerprint fails before it connects.
     */
    public void download(String name, InetSocketAddress server, String peer, InetSocketAddress answeredFrom,
                         Attempt attempt) {
        if (downloads.size() + swarms.size() + starts.waiting() >= ctx.config.maxDownloads()) {
            ctx.counters.downloadsFailed++;
            ctx.counters.connectionsRefused++; // the limit's refusals are told apart from other failures
            ctx.events.downloadFailed(name, "too many downloads at once (limit "
                    + ctx.config.maxDownloads() + ")");
            if (attempt != null) {
                attempt.ended();
            }
            return;
        }
        starts.add(new Starts.Pending(name, server, peer, answeredFrom, attempt)); // started after this turn's handlers
    }

    /** Starts a download that waited its turn in {@link #starts}. */
    private void begin(Starts.Pending p) {
        String name = p.name();
        String peer = p.peer();
        InetSocketAddress server = p.server();
        Fingerprint pin = pin(p.answeredFrom());
        Download d = new Download(ctx, this, name, server, peer, nextId++, p.attempt());
        downloads.put(name, d);
        ctx.counters.downloadsOpen++;
        try {
            if (secure != null && pin == null) {
                d.fail(noPin(peer));
                return;
            }
            d.start(client(pin, server));
        } catch (IOException | RuntimeException e) {
            d.fail("cannot connect to " + peer + ": " + e);
        }
    }

    /**
     * Downloads {@code name}, {@code size} bytes whose SHA-256 is {@code sha256} (lower-case hex),
     * from every one of {@code servers} at once, in pieces of {@code pieceBytes}: the transfer
     * endpoints of peers that announced the {@code range} capability (a reference-style peer must
     * never be among them: it would answer a ranged request with the whole file), each with the
     * control endpoint whose answer named it. In secure mode each source's connections pin the
     * certificate that the sealed datagrams from that control endpoint announced; a source none
     * announced is left out (with a warning). Failures come back as
     * {@link p2pnio.core.Events#downloadFailed}.
     */
    public void download(String name, long size, String sha256, List<Source> servers, long pieceBytes) {
        List<Swarm.Pinned> pinned = new ArrayList<>();
        for (Source s : servers) {
            Fingerprint pin = pin(s.answeredFrom());
            if (secure == null || pin != null) {
                pinned.add(new Swarm.Pinned(s.server(), pin));
            } else {
                ctx.events.warning("'" + name + "': " + noPin(HostPort.of(s.server())) + "; not a source");
            }
        }
        String why = isDownloading(name) ? "'" + name + "' is already being downloaded"
                : downloads.size() + swarms.size() + starts.waiting() >= ctx.config.maxDownloads()
                ? "too many downloads at once (limit " + ctx.config.maxDownloads() + ")"
                : pinned.isEmpty() ? "no source" : null;
        if (why != null) {
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(name, why);
            return;
        }
        Swarm s = new Swarm(ctx, this, name, size, sha256, pinned, pieceBytes);
        swarms.put(name, s);
        ctx.counters.downloadsOpen++;
        s.start();
    }

    /** {@link #download(String, long, String, List, long)} in pieces of the default size (4 MiB). */
    public void download(String name, long size, String sha256, List<Source> servers) {
        download(name, size, sha256, servers, PIECE_BYTES);
    }

    /**
     * Adds {@code server} (named by the answer from {@code answeredFrom}) as a source of the
     * multi-source download of {@code name}, if one runs for {@code size} bytes with this SHA-256
     * and still fetches; false otherwise, and in secure mode when no sealed datagram from
     * {@code answeredFrom} announced a certificate.
     */
    public boolean join(String name, long size, String sha256, InetSocketAddress server, InetSocketAddress answeredFrom) {
        Swarm s = swarms.get(name);
        Fingerprint pin = pin(answeredFrom);
        return s != null && (secure == null || pin != null) && s.size() == size && s.sha256().equals(sha256)
                && s.join(new Swarm.Pinned(server, pin));
    }

    /** Secure mode: the certificate the sealed datagrams from {@code answeredFrom} announced, or null; null in plain mode. */
    private Fingerprint pin(InetSocketAddress answeredFrom) {
        return secure == null || answeredFrom == null ? null : secure.members().at(answeredFrom);
    }

    private static String noPin(String peer) {
        return "secure mode: no sealed datagram from " + peer + " named its certificate, so there is"
                + " nothing to pin its TLS server to";
    }

    /** Secure mode: a TLS client engine for {@code server} that accepts only {@code pin}; null in plain mode. */
    SSLEngine client(Fingerprint pin, InetSocketAddress server) {
        return secure == null ? null : secure.tls().client(pin, server);
    }

    /** True while {@code name} is being downloaded. */
    public boolean isDownloading(String name) {
        return downloads.containsKey(name) || swarms.containsKey(name) || starts.contains(name);
    }

    /** Cancels the download of {@code name}; false if there is none. */
    public boolean cancel(String name) {
        Download d = downloads.get(name);
        Swarm s = swarms.get(name);
        Starts.Pending waiting = starts.remove(name);
        if (waiting != null) {
            notStarted(waiting, "cancelled");
        }
        if (d == null && s == null) {
            return waiting != null;
        }
        if (d != null) {
            d.fail("cancelled");
        }
        if (s != null) {
            s.fail("cancelled");
        }
        return true;
    }

    /** The next connection id. */
    int nextId() {
        return nextId++;
    }

    /** A multi-source download has ended. */
    void swarmEnded(Swarm s) {
        if (swarms.remove(s.name(), s)) {
            ctx.counters.downloadsOpen--;
            remember(s.info());
        }
    }

    /** A download that waited to start and never will: reported failed, its try ended. */
    private void notStarted(Starts.Pending p, String reason) {
        ctx.counters.downloadsFailed++;
        ctx.events.downloadFailed(p.name(), reason);
        if (p.attempt() != null) {
            p.attempt().ended();
        }
    }

    /** Fails every transfer (at shutdown): partial files are deleted. */
    public void closeAll(String reason) {
        for (Starts.Pending p : starts.removeAll()) {
            notStarted(p, reason);
        }
        for (Download d : new ArrayList<>(downloads.values())) {
            d.fail(reason);
        }
        for (Swarm s : new ArrayList<>(swarms.values())) {
            s.fail(reason);
        }
        for (Upload u : new ArrayList<>(uploads)) {
            u.fail(reason);
        }
        ctx.closeQuietly(server, "listening socket");
    }

    /** Running transfers, then the most recent ended ones. */
    public List<Snapshot> snapshot() {
        List<Snapshot> out = new ArrayList<>();
        downloads.values().forEach(d -> out.add(d.info()));
        swarms.values().forEach(s -> out.add(s.info()));
        uploads.forEach(u -> out.add(u.info()));
        out.addAll(recent);
        return out;
    }

    /** Where TLS handshakes' delegated tasks run (secure mode only). */
    OffLoop tasks() {
        return tasks;
    }

    /** True if {@code fingerprint} is a member's (secure mode only). */
    boolean isMember(Fingerprint fingerprint) {
        return secure.members().isMember(fingerprint);
    }

    /** The shared read buffer, cleared. */
    ByteBuffer scratch() {
        return scratch.clear();
    }

    /** A connection of either direction has ended: forget it and remember how it ended. */
    void ended(Connection<?> c) {
        if (c instanceof RangeFetch) {
            return; // one piece of a swarm's download: the swarm is the download
        }
        boolean removed = c instanceof Upload u ? uploads.remove(u) : downloads.remove(((Download) c).name(), c);
        if (!removed) {
            return;
        }
        if (c instanceof Upload) {
            ctx.counters.uploadsOpen--;
        } else {
            ctx.counters.downloadsOpen--;
        }
        remember(c.info());
    }

    private void remember(Snapshot info) {
        recent.addFirst(info);
        while (recent.size() > RECENT) {
            recent.removeLast();
        }
    }
}
