package p2pnio.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Tls;

/**
 * Benchmark 9a, the TLS ceiling: what {@code SSLEngine} itself costs, with no socket. Two engines
 * made the way our nodes make them ({@link Tls}: TLS 1.3, each side a P-256 self-signed
 * certificate, the cipher suite they negotiate) finish their handshake in memory; then each
 * operation wraps one full record (up to 16 KiB) on one side and unwraps it on the other. The score is
 * records per second; the {@code MiB} counter is plaintext MiB/s through both, on one core: the
 * most a transfer over TLS can reach on this machine, whatever the loop does.
 *
 * <p>The warm-up is long on purpose: until C2 has compiled the GCM code, AES-GCM runs without its
 * intrinsics, several times slower (warm-up iterations of 5,000 records/s against 35,000 after), and
 * on a loaded machine that takes seconds.
 *
 * <p>{@code buffers}: where the plaintext and the ciphertext live, all {@code direct} (as the
 * upload's file chunk, the download's scratch buffer, and {@code TlsWire}'s packet buffers as they
 * were) or all {@code heap}: JDK 17's GHASH has its intrinsic for arrays only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Thread)
public class TlsRecordsBenchmark {

    /** Where the plaintext buffers are. */
    @Param({"direct", "heap"})
    public String buffers;

    /** TLS's largest plaintext per record. */
    static final int RECORD = 16 * 1024;
    /** Plaintext taken record after record (several records long, like a file chunk). */
    static final int PLAINTEXT = 4 * RECORD;

    private SSLEngine client;
    private SSLEngine server;
    private ByteBuffer plain;
    private ByteBuffer net;
    private ByteBuffer out;

    /** Two engines as our nodes make them, their handshake done in memory. */
    @Setup(Level.Trial)
    public void setUp() throws SSLException {
        NodeIdentity a = NodeIdentity.generate();
        NodeIdentity b = NodeIdentity.generate();
        Tls serverSide = new Tls(a, f -> f.equals(b.fingerprint()));
        Tls clientSide = new Tls(b, f -> false);
        server = serverSide.server();
        client = clientSide.client(a.fingerprint(), new java.net.InetSocketAddress("127.0.0.1", 1));
        int packet = client.getSession().getPacketBufferSize();
        int app = client.getSession().getApplicationBufferSize();
        boolean direct = buffers.equals("direct");
        plain = direct ? ByteBuffer.allocateDirect(PLAINTEXT) : ByteBuffer.allocate(PLAINTEXT);
        out = direct ? ByteBuffer.allocateDirect(app) : ByteBuffer.allocate(app);
        net = direct ? ByteBuffer.allocateDirect(packet) : ByteBuffer.allocate(packet);
        handshake(packet, app);
        System.out.println("# " + server.getSession().getProtocol() + " " + server.getSession().getCipherSuite() + ", packet buffer " + packet
                + " B, application buffer " + app + " B, " + buffers + " plaintext");
        for (int i = 0; i < PLAINTEXT; i++) {
            plain.put(i, (byte) i);
        }
    }

    private void handshake(int packet, int app) throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        ByteBuffer c2s = ByteBuffer.allocate(packet * 4);
        ByteBuffer s2c = ByteBuffer.allocate(packet * 4);
        ByteBuffer sink = ByteBuffer.allocate(app * 2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        // Until both are done and every byte either sent was read: the server's NewSessionTicket comes
        // after its handshake, and a record left unread would put the two sides' sequence numbers apart.
        for (int round = 0; round < 100 && !(done(client) && done(server) && c2s.position() == 0
                && s2c.position() == 0); round++) {
            step(client, empty, c2s, s2c, sink);
            step(server, empty, s2c, c2s, sink);
        }
        if (!(done(client) && done(server))) {
            throw new IllegalStateException("the in-memory handshake did not finish");
        }
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
        return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One engine's moves: run tasks, wrap what it wants to send into {@code toPeer}, unwrap what came in {@code fromPeer}. */
    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer toPeer, ByteBuffer fromPeer, ByteBuffer sink)
            throws SSLException {
        for (int i = 0; i < 20; i++) {
            switch (e.getHandshakeStatus()) {
                case NEED_TASK -> {
                    for (Runnable t = e.getDelegatedTask(); t != null; t = e.getDelegatedTask()) {
                        t.run();
                    }
                }
                case NEED_WRAP -> e.wrap(empty, toPeer);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN, NOT_HANDSHAKING, FINISHED -> {
                    if (fromPeer.position() == 0) {
                        return;
                    }
                    fromPeer.flip();
                    SSLEngineResult r = e.unwrap(fromPeer, sink);
                    fromPeer.compact();
                    sink.clear();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * One full record: as much plaintext as the server's engine puts in one record (16,367 bytes in
     * JDK 17's TLS 1.3, not 16,384: it keeps the record's padding room), wrapped, then unwrapped by
     * the client.
     */
    @Benchmark
    public int wrapUnwrap(Transferred t) throws SSLException {
        next();
        net.clear();
        SSLEngineResult w = server.wrap(plain, net);
        net.flip();
        out.clear();
        SSLEngineResult u = client.unwrap(net, out);
        if (u.bytesProduced() != w.bytesConsumed()) {
            throw new IllegalStateException("unwrapped " + u + " after wrapping " + w);
        }
        t.add(u.bytesProduced());
        return u.bytesProduced();
    }

    /** One full record wrapped only (the uploading side's share). */
    @Benchmark
    public int wrapOnly(Transferred t) throws SSLException {
        next();
        net.clear();
        SSLEngineResult w = server.wrap(plain, net);
        t.add(w.bytesConsumed());
        return w.bytesProduced();
    }

    /** The plaintext buffer, rewound when less than a record's worth is left. */
    private void next() {
        if (plain.remaining() < RECORD) {
            plain.clear();
        }
    }
}
