package p2pnio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
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
import p2pnio.bench.client.WaveClient;
import p2pnio.bench.servers.Contender;
import p2pnio.bench.servers.FileServer;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;
import p2pnio.bench.support.Memory;
import p2pnio.bench.support.ServerCpu;

/**
 * Benchmark 2, many concurrent downloads: {@code clients} connections at once, each fetching a
 * distinct file of {@code fileKiB} KiB from one server, started together (one {@link WaveClient}
 * wave per operation). The {@code MiB} counter is the aggregate rate; with
 * {@code -prof p2pnio.bench.support.Gauges} the time to first byte (request's newline to first
 * response byte) at p50 and p99, and, sampled at the start line, when the server holds every
 * connection of the wave: the process's resident memory and thread count (every wave) and its
 * live heap (after a full GC, once per iteration, before the clock of any download starts). The
 * heap is fixed and pre-touched, so differences in resident memory are what the server holds
 * outside the heap (thread stacks, above all).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ManyDownloadsBenchmark {

    /** Who serves. */
    @Param({"node", "blocking", "reference", "netty_nio", "netty_epoll"})
    public String contender;

    /** Concurrent connections per wave. */
    @Param({"100", "1000"})
    public int clients;

    /** Size of each file. */
    @Param({"1024"})
    public int fileKiB;

    private Path folder;
    private List<String> names;
    private FileServer server;
    private InetSocketAddress address;
    private WaveClient client;
    private final ServerCpu cpu = new ServerCpu();

    /** Writes one file per client and starts the contender. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        folder = BenchFiles.folder("many");
        names = BenchFiles.writeMany(folder, "f", clients, fileKiB * BenchFiles.KIB);
        server = Contender.valueOf(contender).start(folder, clients);
        address = server.address();
        client = new WaveClient();
    }

    /** Server CPU is reported per iteration. */
    @Setup(Level.Iteration)
    public void newIteration() {
        cpu.reset();
    }

    /** One wave: every client at once, each to its own file. */
    @Benchmark
    public long wave(Transferred t) throws IOException {
        cpu.start();
        WaveClient.Wave w = client.run(address, names, () -> {
            server.awaitConnections(clients);
            cpu.excluding(() -> {
                Gauges.set("rssMiB", Memory.rssMiB());
                Gauges.set("threads", Memory.threads());
                if (!Gauges.has("liveHeapMiB")) {
                    Gauges.set("liveHeapMiB", Memory.liveHeapMiB()); // one full GC per iteration
                }
            });
        });
        cpu.stop(w.bytes());
        Gauges.set("serverCpuMsPerGiB", cpu.msPerGiB());
        Gauges.sample("ttfb", w.ttfbNanos(), w.connections());
        t.add(w.bytes());
        return w.bytes();
    }

    /** Stops the contender and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        client.close();
        server.close();
        BenchFiles.delete(folder);
    }
}
