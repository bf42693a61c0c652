package p2pnio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeListener;
import p2pnio.bench.client.WireClient;
import p2pnio.bench.servers.Contender;
import p2pnio.bench.servers.FileServer;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.servers.RawPair;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;
import p2pnio.bench.support.ServerCpu;

/**
 * Benchmark 1, one large file: a file of {@code fileMiB} MiB (in the page cache) fetched whole
 * over loopback and written to a file, one download at a time. The score is downloads per
 * second; the {@code MiB} counter is the rate in MiB/s.
 *
 * <p>Contenders: every server of {@link Contender}, fetched by the same {@link WireClient};
 * {@code node_to_node}, a second node fetching with {@code Command.Fetch} (the whole protocol:
 * UDP {@code Get}/{@code File}, then its own download into a new file); {@code node_to_node_tls},
 * the same two nodes in secure mode (sealed datagrams, the transfer over TLS 1.3 through
 * {@code SSLEngine}, so no {@code transferTo}: what TLS costs against plain); and {@code limit}, the
 * {@link RawPair} with no protocol.
 *
 * <p>The served file and the sink are {@linkplain BenchFiles#cached kept for the whole run}, so
 * every contender reads and writes the same page-cache pages. (That alone did not steady the
 * scores on the 2-vCPU machine of BENCHMARKS.md: its loopback runs in two modes 2 to 4 times
 * apart, which the suite's interleaved rounds are for.)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class LargeFileBenchmark {

    /** Who serves (and, for {@code node_to_node}, who fetches). */
    @Param({"node", "node_to_node", "node_to_node_tls", "blocking", "reference", "netty_nio", "netty_epoll", "limit"})
    public String contender;

    /** Size of the file. */
    @Param({"1024"})
    public int fileMiB;

    /**
     * Where the client puts the body: {@code file} (written to a file, as a node does) or
     * {@code discard} (read and dropped, so the client's page-cache write is out of the
     * measurement and the server's sending is what is compared). {@code node_to_node} always
     * writes a file: it is only run with {@code file}.
     */
    @Param({"file"})
    public String sink;

    /**
     * {@code node_to_node} only: the serving node's {@code sendChunkBytes} and
     * {@code sendBytesPerTurn} (one upload: the same), KiB; 0 for the node's defaults. For tuning
     * the send round against the loop-turns benchmark in one run.
     */
    @Param({"0"})
    public int sendChunkKiB;

    private static final String NAME = "large.bin";

    private Path served;
    private Path sinkFolder;
    /** The cluster secret and identities of {@code node_to_node_tls}; null otherwise. */
    private Path keys;
    private long size;
    private FileServer server;
    private RawPair raw;
    private Node fetcher;
    private final BlockingQueue<NodeEvent> outcomes = new LinkedBlockingQueue<>();
    private FileChannel sinkFile;
    private WireClient client;
    private InetSocketAddress address;
    private final ServerCpu cpu = new ServerCpu();

    /** Puts the kept file in a fresh folder, opens the kept sink, and starts the contender. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (contender.startsWith("node_to_node") && !sink.equals("file")) {
            throw new IllegalArgumentException("node_to_node always writes a file: run it with sink=file");
        }
        if (!sink.equals("file") && !sink.equals("discard")) {
            throw new IllegalArgumentException("sink must be file or discard, not " + sink);
        }
        size = fileMiB * BenchFiles.MIB;
        served = BenchFiles.folder("large");
        sinkFolder = BenchFiles.folder("large-sink");
        Path file = BenchFiles.cached(served, NAME, size);
        // The sink is kept across trials too, so every contender writes into the same page-cache pages.
        sinkFile = FileChannel.open(BenchFiles.CACHE.resolve("sink.bin"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        client = new WireClient();
        switch (contender) {
            case "limit" -> raw = new RawPair(file);
            case "node_to_node", "node_to_node_tls" -> {
                boolean tls = contender.endsWith("tls");
                keys = BenchFiles.folder("large-keys");
                if (tls) {
                    p2pnio.SecureCluster.keygen(keys.resolve("cluster.secret"), true);
                }
                NodeServer a = tls ? new NodeServer(secure(NodeServer.config(served), keys, "a").build(), 1, e -> { })
                        : new NodeServer(sendRound(NodeServer.config(served)).build(), 1, NodeListener.ignoring());
                server = a;
                NodeConfig.Builder b = NodeServer.config(sinkFolder).addPeer(a.node().address());
                fetcher = new NodeServer((tls ? secure(b, keys, "b") : b).build(), 0,
                        event -> {
                            if (event instanceof NodeEvent.DownloadFinished || event instanceof NodeEvent.DownloadFailed) {
                                outcomes.add(event);
                            }
                        }).node();
            }
            default -> {
                server = Contender.valueOf(contender).start(served, 1);
                address = server.address();
            }
        }
    }

    /** {@code b} with the send round of {@link #sendChunkKiB}, if set. */
    private NodeConfig.Builder sendRound(NodeConfig.Builder b) {
        int bytes = (int) (sendChunkKiB * BenchFiles.KIB);
        return sendChunkKiB == 0 ? b : b.sendChunkBytes(bytes).sendBytesPerTurn(bytes);
    }

    /** Server CPU is reported per iteration. */
    @Setup(Level.Iteration)
    public void newIteration() {
        cpu.reset();
    }

    /**
     * One whole file, server to client to file. Server CPU is everything but this thread: for
     * {@code node_to_node}, whose download runs on the fetching node's loop, both nodes.
     */
    @Benchmark
    public long download(Transferred t) throws Exception {
        long got;
        cpu.start();
        switch (contender) {
            case "limit" -> got = raw.receive(RawPair.Receive.directBuffer, out(), size);
            case "node_to_node", "node_to_node_tls" -> got = fetchWithNode();
            default -> got = client.fetch(address, NAME, out());
        }
        cpu.stop(got);
        Gauges.set("serverCpuMsPerGiB", cpu.msPerGiB());
        t.add(got);
        return got;
    }

    /** {@code b} in secure mode: the cluster secret in {@code keys}, the identity {@code keys/<name>.pem} (made on first start). */
    static NodeConfig.Builder secure(NodeConfig.Builder b, Path keys, String name) {
        return b.secret(keys.resolve("cluster.secret")).identity(keys.resolve(name + ".pem"));
    }

    private FileChannel out() {
        return sink.equals("file") ? sinkFile : null;
    }

    private long fetchWithNode() throws InterruptedException, IOException {
        fetcher.post(new Command.Fetch(NAME));
        NodeEvent outcome = outcomes.poll(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
        if (outcome instanceof NodeEvent.DownloadFinished f) {
            // A download never replaces a file, so the last one goes before the next (as the rename
            // over it freed it before).
            Files.delete(f.file());
            return f.size();
        }
        throw new IllegalStateException("node-to-node download failed: " + outcome);
    }

    /** Stops everything and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (fetcher != null) {
            fetcher.close();
        }
        if (server != null) {
            server.close();
        }
        if (raw != null) {
            raw.close();
        }
        sinkFile.close();
        BenchFiles.delete(served);
        BenchFiles.delete(sinkFolder);
        if (keys != null) {
            BenchFiles.delete(keys);
        }
    }
}
