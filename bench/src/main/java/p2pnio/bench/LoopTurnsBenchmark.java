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

    /**
     * Where the serving node runs: {@code one_jvm}, beside the fetching node in this JVM, both free to
     * use either CPU; {@code two_processes}, in a process of its own ({@link PeerProcess}) pinned to
     * the last CPU with {@code taskset}, this JVM (the fetching node) pinned to the first, as a real
     * node's peer is on another machine: each node's loop then shares its CPU with its own threads
     * (and the machine's other work) only.
     */
    @Param({"one_jvm", "two_processes"})
    public String topology;

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
    /** The serving node's process ({@code two_processes}), its commands and its answers. */
    private Process peer;
    private java.io.PrintWriter toPeer;
    private java.io.BufferedReader fromPeer;
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
        String serving;
        if (topology.equals("two_processes")) {
            serving = startPeer();
        } else {
            server = new NodeServer(NodeServer.config(served).sendChunkBytes((int) (sendChunkKiB * BenchFiles.KIB))
                    .sendBytesPerTurn((int) (sendBudgetKiB * BenchFiles.KIB)).measureTurnCpu(measureCpu).build(), names.size(),
                    NodeListener.ignoring());
            serving = server.node().address();
        }
        fetcher = new NodeServer(NodeServer.config(fetched).addPeer(serving).measureTurnCpu(measureCpu)
                .build(), 0, event -> {
            if (event instanceof NodeEvent.DownloadFinished || event instanceof NodeEvent.DownloadFailed) {
                outcomes.add(event);
            }
        }).node();
    }

    /**
     * Starts the serving node's process on the last CPU, with this JVM's class path and thread
     * priorities, pins this JVM to the first CPU, and returns the node's address.
     */
    private String startPeer() {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus < 2) {
            throw new IllegalStateException("two_processes needs two CPUs, this machine has " + cpus);
        }
        try {
            List<String> command = new ArrayList<>(List.of("taskset", "-c", String.valueOf(cpus - 1),
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-X")).toList()); // heap and priorities as this fork's
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), PeerProcess.class.getName(),
                    served.toString(), String.valueOf(names.size()), String.valueOf(sendChunkKiB * BenchFiles.KIB),
                    String.valueOf(sendBudgetKiB * BenchFiles.KIB), String.valueOf(measureCpu)));
            peer = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            toPeer = new java.io.PrintWriter(peer.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
            fromPeer = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String first = fromPeer.readLine();
            if (first == null || !first.startsWith("address ")) {
                throw new IllegalStateException("the serving process did not start: " + first);
            }
            pin(ProcessHandle.current().pid(), 0);
            return first.substring("address ".length());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every thread of process {@code pid} on CPU {@code cpu} (threads it starts later inherit it). */
    private static void pin(long pid, int cpu) throws IOException {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", String.valueOf(cpu), String.valueOf(pid))
                    .redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("taskset failed: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pinning", e);
        }
    }

    /** Sends the serving process {@code command} and hands what it answers, up to {@code end}, to the gauges. */
    private void askPeer(String command) throws IOException {
        toPeer.println(command);
        for (String line; (line = fromPeer.readLine()) != null; ) {
            if (line.equals("end")) {
                return;
            }
            if (!TurnReport.replay(line, TurnReport.GAUGES)) {
                System.out.println(line);
            }
        }
        throw new IOException("the serving process ended before answering " + command);
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
            if (peer != null) {
                askPeer("report");
            } else {
                TurnReport.report("server", server.node(), serverTurnsBefore, TurnReport.GAUGES);
            }
            TurnReport.report("fetcher", fetcher, fetcherTurnsBefore, TurnReport.GAUGES);
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
            if (peer != null) {
                askPeer("restart");
            } else {
                serverTurnsBefore = server.node().statsRestartingTurns().get(30, TimeUnit.SECONDS).loopTurns();
            }
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
        if (peer != null) {
            toPeer.close(); // the end of its stdin: it stops its node and exits
            try {
                if (!peer.waitFor(60, TimeUnit.SECONDS)) {
                    peer.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                peer.destroyForcibly();
            }
        } else {
            server.close();
        }
        BenchFiles.delete(fetched);
        BenchFiles.delete(served);
    }
}
