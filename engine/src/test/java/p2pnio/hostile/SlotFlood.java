package p2pnio.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import java.util.concurrent.atomic.AtomicLong;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Tls;
import p2pnio.testkit.TestFiles;

/**
 * A slot flood and what it costs a legitimate downloader: an attacker holds every upload slot of
 * a node with idle connections (they send nothing, so the node drops them at its request-line
 * deadline), optionally opening a new one as soon as one is dropped; meanwhile a legitimate node
 * downloads a file from it. {@link #measure} reports when (and whether) the download finished.
 *
 * <p>{@link SlotFloodTest} runs it small in {@code make test}; the figure in SECURITY.md comes
 * from the defaults:
 * <pre>
 * mvn -B -ntp -q -pl engine -am test-compile
 * java -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.SlotFlood 512 10 100
 * java -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.SlotFlood 512 10 100 renew
 * </pre>
 * (slots, request-line deadline in seconds, the downloader's {@code waiting} in seconds, and
 * {@code renew} for an attacker who reconnects at once).
 */
public final class SlotFlood implements AutoCloseable {

    /**
     * What one run saw: the flooded download, timed from the moment every slot is taken, and the
     * same download from the same nodes just before the flood ({@code unflooded}).
     */
    record Outcome(boolean finished, Duration after, int retries, String failure, Duration unflooded) {
        @Override
        public String toString() {
            String unflood = String.format(Locale.ROOT, "; %.2f s without the flood", unflooded.toMillis() / 1e3);
            return (finished ? String.format(Locale.ROOT, "finished after %.2f s (%d retries)", after.toMillis() / 1e3, retries)
                    : String.format(Locale.ROOT, "failed after %.2f s (%d retries): %s", after.toMillis() / 1e3, retries,
                    failure)) + unflood;
        }
    }

    /** What the attacker's connections send, and in which mode the nodes run. */
    enum Kind {
        /** Plain nodes; the connections send nothing (no request line). */
        PLAIN_IDLE,
        /** Secure nodes; the connections send nothing (no TLS handshake ever starts). */
        TLS_NEVER_STARTED,
        /**
         * Secure nodes; each connection sends a TLS 1.3 ClientHello, reads the server's answer and
         * then falls silent: the handshake never finishes.
         */
        TLS_NEVER_FINISHED
    }

    private final InetSocketAddress target;
    private final int slots;
    private final boolean renew;
    /** What each connection sends first, or null for nothing. */
    private final byte[] opening;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    /** Connections that received a byte from the node (its TLS answer to the ClientHello). */
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean closed;

    /** Opens {@code slots} idle connections to {@code target}; with {@code renew}, replaces each one dropped. */
    SlotFlood(InetSocketAddress target, int slots, boolean renew) throws IOException {
        this(target, slots, renew, null);
    }

    /** As {@link #SlotFlood(InetSocketAddress, int, boolean)}, each connection sending {@code opening} first (null: nothing). */
    SlotFlood(InetSocketAddress target, int slots, boolean renew, byte[] opening) throws IOException {
        this.target = target;
        this.slots = slots;
        this.renew = renew;
        this.opening = opening;
        this.selector = Selector.open();
        for (int i = 0; i < slots; i++) {
            connect();
        }
        thread = new Thread(this::hold, "slot-flood");
        thread.setDaemon(true);
        thread.start();
    }

    private void connect() throws IOException {
        SocketChannel c = SocketChannel.open(target); // blocking connect: loopback answers at once
        if (opening != null) {
            c.write(ByteBuffer.wrap(opening)); // a few hundred bytes: the socket buffer takes them whole
        }
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
        connects.incrementAndGet();
    }

    /** Waits for the node to drop connections; closes each, and opens another if renewing. */
    private void hold() {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (!closed) {
            try {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) k.channel();
                    int n;
                    try {
                        n = c.read(buf.clear());
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n > 0 && k.attachment() == null) {
                        k.attach(Boolean.TRUE);
                        answered.incrementAndGet();
                    }
                    if (n < 0) {
                        k.cancel();
                        c.close();
                        if (renew && !closed) {
                            connect();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("the flood broke", e);
                }
            }
        }
    }

    /** Connections the node sent a byte on. */
    long answered() {
        return answered.get();
    }

    /** Connections opened so far. */
    long connects() {
        return connects.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        selector.close();
    }

    /**
     * Starts a server with {@code slots} upload slots and the given request-line deadline, floods
     * it, and has a fresh node download a 1 MiB file from it; returns what the download saw,
     * timed from the moment every slot is taken.
     */
    static Outcome measure(Path dir, int slots, Duration deadline, Duration waiting, boolean renew) throws Exception {
        return measure(dir, slots, deadline, waiting, renew, Kind.PLAIN_IDLE, Duration.ofSeconds(1));
    }

    /**
     * As {@link #measure(Path, int, Duration, Duration, boolean)}, with the nodes and the flood of
     * {@code kind} and the downloader's {@code getRetryInitial}. The downloader (a member, in
     * secure mode) first downloads another 1 MiB file unflooded, then the flood takes every slot,
     * then it asks for the file measured. In secure mode the request-line deadline is also the
     * handshake's: it runs from the accept.
     */
    static Outcome measure(Path dir, int slots, Duration deadline, Duration waiting, boolean renew, Kind kind,
                           Duration getRetryInitial) throws Exception {
        Path served = Files.createDirectories(dir.resolve("served"));
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Folders.randomFile(served, "first.bin", 1 << 20);
        Folders.randomFile(served, "wanted.bin", 1 << 20);
        UnaryOperator<NodeConfig.Builder> server = b -> b;
        UnaryOperator<NodeConfig.Builder> member = b -> b;
        byte[] opening = null;
        if (kind != Kind.PLAIN_IDLE) {
            Path secret = dir.resolve("keys/cluster.secret");
            ClusterSecret.create(secret, false);
            server = b -> b.secret(secret).identity(dir.resolve("keys/server.pem"));
            member = b -> b.secret(secret).identity(dir.resolve("keys/member.pem"));
            opening = kind == Kind.TLS_NEVER_FINISHED ? clientHello() : null;
        }
        Recorder events = new Recorder();
        Recorder serverEvents = new Recorder();
        try (Node server0 = Node.start(server.apply(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO)
                     .maxUploads(slots).requestLineTimeout(deadline)).build(), serverEvents);
             Node node = Node.start(member.apply(NodeConfig.builder().port(0).folder(mine).waiting(waiting)
                     .getRetryInitial(getRetryInitial).addPeer(server0.address())).build(), events)) {
            long u0 = System.nanoTime();
            node.post(new Command.Fetch("first.bin"));
            if (!(events.awaitOutcome("first.bin", waiting) instanceof NodeEvent.DownloadFinished)) {
                throw new AssertionError("the download before the flood failed: " + events.events());
            }
            Duration unflooded = Duration.ofNanos(System.nanoTime() - u0);
            try (SlotFlood flood = new SlotFlood(server0.transferAddress(), slots, renew, opening)) {
                Poll.until(Duration.ofSeconds(30), () -> Poll.stats(server0).uploadsOpen(), n -> n == slots);
                if (opening != null) { // every handshake begun: the server answered each ClientHello
                    Poll.until(Duration.ofSeconds(30), flood::answered, n -> n == slots);
                    if (Poll.stats(server0).uploadsOpen() != slots) {
                        throw new AssertionError("the flood lost slots it held: "
                                + serverEvents.all(NodeEvent.UploadFailed.class).stream().limit(3).toList());
                    }
                }
                long t0 = System.nanoTime();
                node.post(new Command.Fetch("wanted.bin"));
                NodeEvent outcome = events.awaitOutcome("wanted.bin", waiting.plusSeconds(30));
                Duration after = Duration.ofNanos(System.nanoTime() - t0);
                int retries = events.all(NodeEvent.RequestRetrying.class).size();
                if (outcome instanceof NodeEvent.DownloadFinished) {
                    if (!TestFiles.sha256(mine.resolve("wanted.bin")).equals(TestFiles.sha256(served.resolve("wanted.bin")))) {
                        throw new AssertionError("the file arrived corrupt");
                    }
                    return new Outcome(true, after, retries, null, unflooded);
                }
                return new Outcome(false, after, retries, ((NodeEvent.DownloadFailed) outcome).reason(), unflooded);
            }
        }
    }

    /** A TLS 1.3 ClientHello, as a client that means to finish the handshake would send it first. */
    static byte[] clientHello() throws IOException {
        SSLEngine e = Tls.context(NodeIdentity.generate(), f -> true).createSSLEngine();
        e.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** {@code SlotFlood SLOTS DEADLINE_S WAITING_S [renew]}: one measured run, printed. */
    public static void main(String[] args) throws Exception {
        int slots = Integer.parseInt(args[0]);
        Duration deadline = Duration.ofSeconds(Long.parseLong(args[1]));
        Duration waiting = Duration.ofSeconds(Long.parseLong(args[2]));
        boolean renew = args.length > 3 && args[3].equals("renew");
        Path dir = Files.createTempDirectory("p2p-slot-flood");
        try {
            Outcome o = measure(dir, slots, deadline, waiting, renew);
            System.out.printf(Locale.ROOT, "slot flood: %d idle connections, request-line deadline %d s, %s; "
                            + "a legitimate 1 MiB download (waiting %d s) %s%n", slots, deadline.toSeconds(),
                    renew ? "each dropped one replaced at once" : "held once", waiting.toSeconds(), o);
        } finally {
            TestFiles.deleteTree(dir);
        }
    }
}
