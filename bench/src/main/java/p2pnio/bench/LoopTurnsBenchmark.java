package p2pnio.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeEvent;
import p2pnio.NodeListener;
import p2pnio.NodeStats;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;

/**
 * Benchmark 7, the loop's turns under load: one node downloads a {@code bigMiB} MiB file and
 * {@code small} files of {@code smallKiB} KiB from another node, all asked for at once (the
 * whole protocol: {@code Get}/{@code File} over UDP, then one download each, partial files made
 * and put in place). The score is the time of that wave; what matters is how long each loop turn
 * of the two nodes took meanwhile: the median, p99 and p99.9 of their turn histograms, and the
 * longest turn with what ran in it. The engine issue's goal is p99.9 under 5 ms.
 *
 * <p>The two nodes live for the whole trial, one wave per iteration. Each node's turn window is
 * restarted ({@code Node.statsRestartingTurns}) just before the first measured wave and read
 * once after the last one, so the figures cover the measured waves alone: not the nodes' start
 * (binding, loading classes, the first index scan) nor the warm-up wave.
 * (JMH averages a result over every iteration, counting those without it as zero: a result set in
 * one iteration only is reported with {@code Gauges.worst}, the largest, which is then its
 * value.) With {@code -prof p2pnio.bench.support.Gauges}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
// The node's background threads and the JIT's below its loops (README, "Loop turns and thread priorities"), as make run does as root.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:ThreadPriorityPolicy=1", "-XX:JavaPriority1_To_OSPriority=19",
        "-XX:CompilerThreadPriority=19"})
@State(Scope.Benchmark)
public class LoopTurnsBenchmark {

    /** Who serves and who fetches: our node, both sides. */
    @Param({"node_to_node"})
    public String contender;

    /** Size of the large file. */
    @Param({"1024"})
    public int bigMiB;

    /** How many small files go at the same time. */
    @Param({"100"})
    public int small;

    /** Size of each small file. */
    @Param({"64"})
    public int smallKiB;

    /** Most body bytes one upload of the serving node sends per turn ({@code sendChunkBytes}), KiB. */
    @Param({"256"})
    public int sendChunkKiB;

    /** Most body bytes all uploads of the serving node send together per turn ({@code sendBytesPerTurn}), KiB. */
    @Param({"512"})
    public int sendBudgetKiB;

    /**
     * Whether both nodes measure each turn's CPU time and allocation ({@code measureTurnCpu}): the
     * CPU-time percentiles beside the wall-clock ones. What the measuring costs a turn is printed
     * at the start of the trial (the four counter reads, timed here).
     */
    @Param({"true"})
    public boolean measureCpu;

    private static final String BIG = "big.bin";

    private Path served;
    private Path fetched;
    private List<String> names;
    private NodeServer server;
    private Node fetcher;
    private final BlockingQueue<NodeEvent> outcomes = new LinkedBlockingQueue<>();
    private int measured;
    private boolean lastIteration;
    private long serverTurnsBefore;
    private long fetcherTurnsBefore;
    /** Collections and their time (ms) of this JVM, both nodes', when the turn windows were restarted. */
    private long gcCountBefore;
    private long gcMillisBefore;

    /** The files, kept for the run. */
    @Setup(Level.Trial)
    public void files() {
        if (!contender.equals("node_to_node")) {
            throw new IllegalArgumentException("only node_to_node: the loop measured is our node's");
        }
        served = BenchFiles.folder("turns");
        BenchFiles.cached(served, BIG, bigMiB * BenchFiles.MIB);
        names = new ArrayList<>(BenchFiles.writeMany(served, "s", small, smallKiB * BenchFiles.KIB));
        names.add(0, BIG);
    }

    /** The two nodes, for the whole trial. */
    @Setup(Level.Trial)
    public void nodes() {
        fetched = BenchFiles.folder("turns-fetched");
        server = new NodeServer(NodeServer.config(served).sendChunkBytes((int) (sendChunkKiB * BenchFiles.KIB))
                .sendBytesPerTurn((int) (sendBudgetKiB * BenchFiles.KIB)).measureTurnCpu(measureCpu).build(), names.size(),
                NodeListener.ignoring());
        fetcher = new NodeServer(NodeServer.config(fetched).addPeer(server.node().address()).measureTurnCpu(measureCpu)
                .build(), 0, event -> {
            if (event instanceof NodeEvent.DownloadFinished || event instanceof NodeEvent.DownloadFailed) {
                outcomes.add(event);
            }
        }).node();
    }

    /** Every file asked for at once; done when every one is in place. */
    @Benchmark
    public long wave() throws Exception {
        for (String name : names) {
            fetcher.post(new Command.Fetch(name));
        }
        long bytes = 0;
        for (int i = 0; i < names.size(); i++) {
            NodeEvent e = outcomes.poll(5, TimeUnit.MINUTES);
            if (!(e instanceof NodeEvent.DownloadFinished f)) {
                throw new IllegalStateException("a download of the wave failed: " + e);
            }
            bytes += f.size();
        }
        if (lastIteration) {
            report("server", server.node(), serverTurnsBefore);
            report("fetcher", fetcher, fetcherTurnsBefore);
            long collections = gc(GarbageCollectorMXBean::getCollectionCount) - gcCountBefore;
            long gcMillis = gc(GarbageCollectorMXBean::getCollectionTime) - gcMillisBefore;
            Gauges.worst("gcCollections", collections);
            Gauges.worst("gcMs", gcMillis);
            System.out.printf(java.util.Locale.ROOT, "%nGarbage collection in the measured waves (both nodes' JVM, %s): %d collections,"
                            + " %d ms in all%n", collectors(), collections, gcMillis);
        }
        return bytes;
    }

    /**
     * What measuring costs one turn: the loop reads its thread's CPU time and allocated bytes at
     * the start and at the end of each turn's work; timed here, on this thread, 200,000 times.
     */
    @Setup(Level.Trial)
    public void measuringCost() {
        if (!measureCpu) {
            return;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        int n = 200_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += threads.getCurrentThreadCpuTime() + threads.getCurrentThreadAllocatedBytes();
        }
        double perTurn = 2.0 * (System.nanoTime() - t0) / n;
        System.out.printf(java.util.Locale.ROOT, "%nMeasuring a turn's CPU time and allocation costs %.0f ns a turn (checksum %d)%n",
                perTurn, sink & 1);
    }

    /** Counts the measured iterations, to restart the turn windows before the first and read them after the last. */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) throws Exception {
        if (params.getType() == IterationType.MEASUREMENT) {
            measured++;
        }
        if (params.getType() == IterationType.MEASUREMENT && measured == 1) {
            serverTurnsBefore = server.node().statsRestartingTurns().get(30, TimeUnit.SECONDS).loopTurns();
            fetcherTurnsBefore = fetcher.statsRestartingTurns().get(30, TimeUnit.SECONDS).loopTurns();
            gcCountBefore = gc(GarbageCollectorMXBean::getCollectionCount);
            gcMillisBefore = gc(GarbageCollectorMXBean::getCollectionTime);
        }
        lastIteration = params.getType() == IterationType.MEASUREMENT && measured == params.getCount();
    }

    /** The sum of {@code what} over this JVM's collectors. */
    private static long gc(java.util.function.ToLongFunction<GarbageCollectorMXBean> what) {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(what).filter(v -> v > 0).sum();
    }

    private static String collectors() {
        return String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
    }

    private static void report(String who, Node node, long turnsBefore) throws Exception {
        NodeStats s = node.stats().get(30, TimeUnit.SECONDS);
        // Said plainly, for whoever reads the run's output: what the longest turn ran, and how much of it was on a CPU.
        System.out.printf(java.util.Locale.ROOT, "%nLoop turns of the %s node in the measured waves: p50 %.3f ms, p99 %.3f ms,"
                        + " p99.9 %.3f ms, longest %.3f ms; the longest turn ran: %s%n", who, s.turnP50Nanos() / 1e6,
                s.turnP99Nanos() / 1e6, s.turnP999Nanos() / 1e6, s.longestTurnNanos() / 1e6, s.longestTurn());
        Gauges.worst(who + "TurnP50Ms", s.turnP50Nanos() / 1e6);
        Gauges.worst(who + "TurnP99Ms", s.turnP99Nanos() / 1e6);
        Gauges.worst(who + "TurnP999Ms", s.turnP999Nanos() / 1e6);
        Gauges.worst(who + "LongestTurnMs", s.longestTurnNanos() / 1e6);
        long turns = s.loopTurns() - turnsBefore;
        Gauges.worst(who + "Turns", turns);
        if (s.turnCpuP999Nanos() >= 0) {
            // The same turns, counting only the loop thread's time on a CPU: the loop's own work, without the machine's waits.
            System.out.printf(java.util.Locale.ROOT, "On-CPU time of the %s node's turns: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms;"
                            + " the loop thread allocated %.0f bytes per turn (%d turns); the most CPU in one turn, %.3f ms,"
                            + " ran: %s%n", who, s.turnCpuP50Nanos() / 1e6, s.turnCpuP99Nanos() / 1e6, s.turnCpuP999Nanos() / 1e6,
                    (double) s.turnAllocatedBytes() / turns, turns, s.longestCpuTurnNanos() / 1e6, s.longestCpuTurn());
            Gauges.worst(who + "CpuP50Ms", s.turnCpuP50Nanos() / 1e6);
            Gauges.worst(who + "CpuP99Ms", s.turnCpuP99Nanos() / 1e6);
            Gauges.worst(who + "CpuP999Ms", s.turnCpuP999Nanos() / 1e6);
            Gauges.worst(who + "AllocBytesPerTurn", (double) s.turnAllocatedBytes() / turns);
            Gauges.worst(who + "LongestCpuTurnMs", s.longestCpuTurnNanos() / 1e6);
            Gauges.named(who + " longest turn on the CPU", s.longestCpuTurn(), s.longestCpuTurnNanos() / 1e6);
        }
        Gauges.named(who + " longest turn", s.longestTurn(), s.longestTurnNanos() / 1e6);
        // The turns over the goal's 5 ms, by what kept each long (measured turns only), and the first ones named.
        var slow = s.slowTurns();
        System.out.printf(java.util.Locale.ROOT, "Turns of the %s node over 5 ms: %d of %d; over 5 ms on the CPU alone %d,"
                        + " off the CPU mostly waiting for a CPU %d, mostly blocked %d%n", who, slow.get("total"), turns,
                slow.get("onCpu"), slow.get("waitingForCpu"), slow.get("blocked"));
        for (String t : s.slowTurnSamples()) {
            System.out.println("  slow " + who + " turn " + t);
        }
        Gauges.worst(who + "SlowTurns", slow.get("total"));
        Gauges.worst(who + "SlowOnCpu", slow.get("onCpu"));
        Gauges.worst(who + "SlowWaitingForCpu", slow.get("waitingForCpu"));
        Gauges.worst(who + "SlowBlocked", slow.get("blocked"));
    }

    /** Deletes what the wave fetched (a download never replaces a file: the next wave's would be copies). */
    @TearDown(Level.Iteration)
    public void emptyFetched() throws IOException {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(fetched)) {
            for (Path p : all) {
                Files.delete(p);
            }
        }
        outcomes.clear();
    }

    /** Stops both nodes and deletes the files (the cache keeps its copies for the run). */
    @TearDown(Level.Trial)
    public void tearDown() {
        fetcher.close();
        server.close();
        BenchFiles.delete(fetched);
        BenchFiles.delete(served);
    }
}
