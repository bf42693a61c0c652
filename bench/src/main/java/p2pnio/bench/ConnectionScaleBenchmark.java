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
import p2pnio.bench.client.ConnectionHolder;
import p2pnio.bench.client.WaveClient;
import p2pnio.bench.servers.Contender;
import p2pnio.bench.servers.FileServer;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;
import p2pnio.bench.support.Memory;

/**
 * Benchmark 5, connection scale: {@code held} idle connections held open against one server by
 * a client in another process ({@link ConnectionHolder}), while waves of {@code downloaders}
 * concurrent downloads of distinct {@code fileKiB} KiB files run. The {@code MiB} counter is the
 * downloads' rate; the gauges (with {@code -prof p2pnio.bench.support.Gauges}) are this process's
 * live heap and resident memory before and while the connections are held, and the heap each
 * held connection costs. This process holds the server and the 100 downloaders; the held
 * connections' client side lives in the other process.
 *
 * <p>Needs a file-descriptor limit above {@code held} plus a few hundred in both processes:
 * {@code make bench} raises the soft limit to the hard one, and the JVM raises its own.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ConnectionScaleBenchmark {

    /** Who serves. */
    @Param({"node", "blocking", "netty_nio", "netty_epoll"})
    public String contender;

    /** Idle connections held open from the other process. */
    @Param({"10000"})
    public int held;

    /** Concurrent downloads per wave while the connections are held. */
    @Param({"100"})
    public int downloaders;

    /** Size of each downloaded file. */
    @Param({"1024"})
    public int fileKiB;

    private Path folder;
    private List<String> names;
    private FileServer server;
    private InetSocketAddress address;
    private WaveClient client;
    private ConnectionHolder.Handle holder;
    private double heapBeforeMiB;
    private double rssBeforeMiB;
    private double heapHeldMiB;
    private double rssHeldMiB;

    /** Starts the contender, measures memory, opens the held connections, measures again. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = BenchFiles.folder("scale");
        names = BenchFiles.writeMany(folder, "c", downloaders, fileKiB * BenchFiles.KIB);
        server = Contender.valueOf(contender).start(folder, downloaders);
        address = server.address();
        client = new WaveClient();
        client.run(address, names); // every code path loaded before the first measurement
        heapBeforeMiB = Memory.liveHeapMiB();
        rssBeforeMiB = Memory.rssMiB();
        holder = ConnectionHolder.start(address, held);
        server.awaitConnections(held);
        heapHeldMiB = Memory.liveHeapMiB();
        rssHeldMiB = Memory.rssMiB();
    }

    /** One wave of downloads while the connections are held. */
    @Benchmark
    public long wave(Transferred t) throws IOException {
        WaveClient.Wave w = client.run(address, names, () -> {
            server.awaitConnections(holder.held() + downloaders);
            Gauges.set("rssUnderLoadMiB", Memory.rssMiB());
        });
        t.add(w.bytes());
        Gauges.sample("ttfb", w.ttfbNanos(), w.connections());
        Gauges.set("heldConnections", holder.held());
        Gauges.set("heapBeforeMiB", heapBeforeMiB);
        Gauges.set("heapHeldMiB", heapHeldMiB);
        Gauges.set("rssBeforeMiB", rssBeforeMiB);
        Gauges.set("rssHeldMiB", rssHeldMiB);
        Gauges.set("heapPerConnectionBytes", (heapHeldMiB - heapBeforeMiB) * 1024 * 1024 / Math.max(1, held));
        Gauges.set("rssPerConnectionBytes", (rssHeldMiB - rssBeforeMiB) * 1024 * 1024 / Math.max(1, held));
        return w.bytes();
    }

    /** Lets the held connections go, stops the contender, deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (holder != null) {
            holder.close();
        }
        client.close();
        server.close();
        BenchFiles.delete(folder);
    }
}
