package p2pnio.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import p2pnio.bench.client.StreamClient;
import p2pnio.bench.servers.FileServer;
import p2pnio.bench.servers.NettyServer;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;
import p2pnio.bench.support.ServerCpu;
import p2pnio.bench.support.ThreadCpu;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Tls;

/**
 * Benchmark 9, one large file over TLS (issue 15): a file of {@code fileMiB} MiB (in the page
 * cache) fetched whole over loopback and written to a file, one download at a time. The score is
 * downloads per second; the {@code MiB} counter is the rate in MiB/s.
 *
 * <p>Contenders, all read by the same {@link StreamClient} (JDK {@code SSLSocket}, TLS 1.3, its
 * certificate offered and the server's pinned; a plain socket for {@code node_plain}):
 * <ul>
 *   <li>{@code node_tls}: our node in secure mode ({@code SSLEngine} on the loop, the file read in
 *       256 KiB chunks into a direct buffer, wrapped, written). The client presents the certificate
 *       of a second node of the cluster, so the server accepts it as a member's;</li>
 *   <li>{@code netty_tls}: Netty's {@code SslHandler} with the JDK provider ({@link NettyServer#NettyServer(Path, SSLContext)}),
 *       with the very {@code SSLContext} our node makes ({@link Tls#context}: same engine, suite,
 *       P-256 self-signed key, client certificate required), one event-loop thread like ours;</li>
 *   <li>{@code node_plain}: our node in plain mode ({@code transferTo}): what TLS costs.</li>
 * </ul>
 * One client for every server: it speaks the transfer protocol, so it reads each server the same
 * way, and a client that is the bottleneck caps every contender alike (the server CPU per GiB
 * then still tells the servers apart). Our own node as the downloader could not be used: it only
 * downloads what a cluster member announced over the sealed UDP side, which Netty does not speak.
 * The handshake is part of every download (one per GiB: milliseconds).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TlsBenchmark {

    /** Who serves. */
    @Param({"node_tls", "netty_tls", "node_plain"})
    public String contender;

    /** Size of the file. */
    @Param({"1024"})
    public int fileMiB;

    private static final String NAME = "large.bin";

    private Path served;
    private Path sinkFolder;
    private Path keys;
    private FileServer server;
    /** {@code node_tls}: the cluster member whose certificate the client presents. */
    private NodeServer member;
    private SSLContext clientTls;
    private FileChannel sinkFile;
    private final StreamClient client = new StreamClient();
    private final ServerCpu cpu = new ServerCpu();
    private final ThreadCpu threads = new ThreadCpu();

    /** Puts the kept file in a fresh folder, opens the kept sink, starts the contender and checks one download. */
    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        long size = fileMiB * BenchFiles.MIB;
        served = BenchFiles.folder("tls");
        sinkFolder = BenchFiles.folder("tls-sink");
        keys = BenchFiles.folder("tls-keys");
        BenchFiles.cached(served, NAME, size);
        sinkFile = FileChannel.open(BenchFiles.CACHE.resolve("sink.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        switch (contender) {
            case "node_tls" -> {
                p2pnio.SecureCluster.keygen(keys.resolve("cluster.secret"), true);
                NodeServer a = new NodeServer(LargeFileBenchmark.secure(NodeServer.config(served), keys, "a").build(), 1,
                        e -> { });
                server = a;
                member = new NodeServer(LargeFileBenchmark.secure(NodeServer.config(sinkFolder), keys, "b")
                        .addPeer(a.node().address()).build(), 0, e -> { });
                NodeIdentity b = NodeIdentity.load(keys.resolve("b.pem"));
                clientTls = Tls.context(b, NodeIdentity.load(keys.resolve("a.pem")).fingerprint()::equals);
            }
            case "netty_tls" -> {
                NodeIdentity serverId = NodeIdentity.generate();
                NodeIdentity clientId = NodeIdentity.generate();
                server = new NettyServer(served, Tls.context(serverId, clientId.fingerprint()::equals));
                clientTls = Tls.context(clientId, serverId.fingerprint()::equals);
            }
            case "node_plain" -> server = new NodeServer(served, 1);
            default -> throw new IllegalArgumentException("no contender " + contender);
        }
        firstDownload(size);
    }

    /**
     * One download before any measurement, retried for up to a minute: the node accepts the
     * member's certificate once the member's sealed datagrams reached it.
     */
    private void firstDownload(long size) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                client.fetch(server.address(), NAME, sinkFile, clientTls); // throws unless all `size` bytes came
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(contender + " did not serve the " + size + " bytes within a minute", e);
                }
            }
            Thread.sleep(100);
        }
    }

    /** Server CPU is reported per iteration. */
    @Setup(Level.Iteration)
    public void newIteration() {
        cpu.reset();
        threads.reset();
    }

    /**
     * One whole file, server to client to file. Server CPU is everything but this thread; beside
     * it, per GiB, the server's busiest thread (its loop), the client's (this thread) and the
     * garbage collector's, so that the table says which end bounds the rate; the machine's
     * one-minute load average too.
     */
    @Benchmark
    public long download(Transferred t) throws IOException {
        threads.start();
        cpu.start();
        InetSocketAddress address = server.address();
        long got = client.fetch(address, NAME, sinkFile, clientTls);
        cpu.stop(got);
        threads.stop(got);
        Gauges.set("serverCpuMsPerGiB", cpu.msPerGiB());
        Gauges.set("loopCpuMsPerGiB", threads.busiestMsPerGiB());
        Gauges.set("clientCpuMsPerGiB", threads.clientMsPerGiB());
        Gauges.set("gcCpuMsPerGiB", threads.gcMsPerGiB());
        // The machine is shared: how loaded it was is part of the result.
        Gauges.set("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        t.add(got);
        return got;
    }

    /** Stops everything and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        System.out.println(contender + ": the busiest server thread was '" + threads.busiestName() + "'");
        if (member != null) {
            member.close();
        }
        server.close();
        sinkFile.close();
        BenchFiles.delete(served);
        BenchFiles.delete(sinkFolder);
        BenchFiles.delete(keys);
    }
}
