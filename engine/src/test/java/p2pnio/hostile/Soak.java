package p2pnio.hostile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.testkit.TestFiles;

/**
 * The bounded soak: three nodes in one process, thousands of random downloads of random sizes
 * from each other, random cancels, and random kills (a node closed in the middle of its transfers
 * and started again on the same port). At the end every completed file matches its digest, no
 * partial file remains, the heap is flat, and the process holds as many file descriptors and
 * threads as before the nodes started.
 *
 * <p>Run by {@code make soak}: {@code java -cp engine/target/classes:engine/target/test-classes
 * p2pnio.hostile.Soak [seconds] [folder]}. Prints the counts and a closing {@code N passed, N failed}.
 */
public final class Soak {

    private record Outcome(int node, int generation, NodeEvent event) { }

    private static final int NODES = 3;
    private static final int FILES_PER_NODE = 60;
    private static final int MAX_IN_FLIGHT = 24;

    private final Random random = new Random(Long.getLong("soak.seed", 42));
    private final Path root;
    private final Path[] folders = new Path[NODES];
    private final int[] ports = new int[NODES];
    private final Node[] nodes = new Node[NODES];
    private final int[] generation = new int[NODES];
    private final Map<String, String> digest = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    private final Map<String, Long> inFlight = new HashMap<>();
    private final LinkedBlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private long requested;
    private long finished;
    private long failed;
    private long cancels;
    private long kills;
    private long bytesVerified;
    private long bytesLost;
    private long corrupt;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Long> failureKinds = new java.util.TreeMap<>();

    /** A failure reason without its names and numbers, to count failures by kind. */
    private static String kind(String reason) {
        return reason.replaceAll("'[^']*'", "'…'").replaceAll("[0-9.:\\[\\]]+", "#");
    }

    private Soak(Path root) {
        this.root = root;
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 150;
        Path root = Path.of(args.length > 1 ? args[1] : "/tmp/p2p-soak");
        System.exit(new Soak(root).run(Duration.ofSeconds(seconds)));
    }

    /**
     * The name a saved file was asked for: a download of a name the node already had is kept
     * beside it as {@code name (n).ext}; one whose event came after the drain (or from a node
     * killed right after it) is still there at the final sweep, and is checked like the rest.
     */
    private static String askedFor(String saved) {
        return saved.replaceFirst(" \\(\\d+\\)(\\.[^.]*)?$", "$1");
    }

    /**
     * True for the part or record of a download kept to be resumed: its record is whole
     * ({@code end=1}) and names the file's SHA-256; anything else left is a leak.
     */
    private static boolean keptForResume(Path partOrRecord) throws IOException {
        String n = partOrRecord.getFileName().toString();
        Path record = partOrRecord.resolveSibling(n.substring(0, n.lastIndexOf('.')) + ".rec");
        if (!Files.exists(record)) {
            return false;
        }
        String text = Files.readString(record);
        return text.contains("sha256=") && text.contains("end=1");
    }

    private int run(Duration duration) throws Exception {
        TestFiles.deleteTree(root);
        for (int i = 0; i < NODES; i++) {
            folders[i] = Files.createDirectories(root.resolve("node" + i));
            for (int f = 0; f < FILES_PER_NODE; f++) {
                String name = "n" + i + "-" + f + ".bin";
                Path p = Folders.randomFile(folders[i], name, randomSize());
                digest.put(name, TestFiles.sha256(p));
                sizes.put(name, Files.size(p));
                names.add(name);
            }
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                ports[i] = probe.getLocalPort();
            }
        }
        gc();
        long fdsBefore = openFds();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < NODES; i++) {
            start(i);
        }
        long t0 = System.nanoTime();
        long end = t0 + duration.toNanos();
        long heapWarm = -1;
        long directWarm = -1;
        long nextKill = t0 + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            drain(inFlight.size() >= MAX_IN_FLIGHT ? 200 : 0);
            if (heapWarm < 0 && System.nanoTime() - t0 > duration.toNanos() / 4) {
                heapWarm = gc();
                directWarm = directBytes();
            }
            if (System.nanoTime() > nextKill) {
                kill(random.nextInt(NODES));
                nextKill = System.nanoTime() + TimeUnit.SECONDS.toNanos(8 + random.nextInt(8));
                continue;
            }
            if (inFlight.size() >= MAX_IN_FLIGHT) {
                continue;
            }
            if (random.nextInt(100) < 6 && !inFlight.isEmpty()) {
                List<String> keys = new ArrayList<>(inFlight.keySet());
                String key = keys.get(random.nextInt(keys.size()));
                int node = Integer.parseInt(key.substring(0, key.indexOf('/')));
                nodes[node].post(new Command.Cancel(key.substring(key.indexOf('/') + 1)));
                cancels++;
                continue;
            }
            int node = random.nextInt(NODES);
            String name = names.get(random.nextInt(names.size()));
            String key = node + "/" + name;
            if (name.startsWith("n" + node + "-") || inFlight.containsKey(key)) {
                continue;
            }
            inFlight.put(key, System.nanoTime());
            requested++;
            nodes[node].post(new Command.Fetch(name));
        }
        // Let what runs finish (every download ends: done, failed, or timed out by waiting/idle).
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!inFlight.isEmpty() && System.nanoTime() < settle) {
            drain(200);
        }
        if (!inFlight.isEmpty()) {
            problems.add(inFlight.size() + " downloads never ended: " + inFlight.keySet());
        }
        long heapEnd = gc();
        long directEnd = directBytes();
        List<NodeStats> stats = new ArrayList<>();
        for (Node n : nodes) {
            stats.add(n.stats().get(10, TimeUnit.SECONDS));
        }
        for (Node n : nodes) {
            n.close();
        }
        long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
        // Final sweep: every file in every folder is whole, and no partial file is left.
        long filesChecked = 0;
        long partialsLeft = 0;
        for (Path folder : folders) {
            try (Stream<Path> s = Files.list(folder)) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    if (name.equals(p2pnio.wire.Names.DIGEST_CACHE)) {
                        continue; // the node's digest cache: its own file, never served
                    }
                    if (p2pnio.wire.Names.isOurPartialFile(name) && keptForResume(p)) {
                        continue; // a multi-source download cut by a kill, kept by design until asked again
                    }
                    if (p2pnio.wire.Names.isOurPartialFile(name) || name.equals(p2pnio.wire.Names.DIGEST_CACHE_TMP)) {
                        partialsLeft++;
                    } else if (!digest.get(askedFor(name)).equals(TestFiles.sha256(p))) {
                        corrupt++;
                        bytesLost += Files.size(p);
                        problems.add("corrupt at the end: " + p);
                    } else {
                        filesChecked++;
                    }
                }
            }
        }
        gcQuietly();
        long fdsAfter = awaitFds(fdsBefore);
        int threadsAfter = awaitThreads(threadsBefore);

        int passed = 0;
        int failedChecks = 0;
        String[][] checks = {
            {"thousands of downloads were asked for", Boolean.toString(requested >= 1000)},
            {"most of them completed", Boolean.toString(finished * 2 > requested)},
            {"every completed file matched its digest", Boolean.toString(corrupt == 0)},
            {"no partial file remains", Boolean.toString(partialsLeft == 0)},
            {"every download ended", Boolean.toString(inFlight.isEmpty())},
            {"heap is flat (end <= 1.25 x warm + 8 MiB)", Boolean.toString(heapEnd <= heapWarm * 5 / 4 + (8 << 20))},
            {"direct buffers are flat (no buffer leaked per transfer)", Boolean.toString(directEnd <= directWarm + (1 << 20))},
            {"file descriptors were counted, and after == before (+2 slack)",
                Boolean.toString(fdsBefore >= 0 && fdsAfter >= 0 && fdsAfter <= fdsBefore + 2)},
            {"no thread left behind", Boolean.toString(threadsAfter <= threadsBefore)},
        };
        System.out.printf("soak: %d s, %d downloads asked, %d completed and verified (%d bytes), %d failed "
                        + "(%d cancels, %d kills), %d files checked at the end, %d partial files left, %d corrupt, "
                        + "bytes lost %d%n", seconds, requested, finished, bytesVerified, failed, cancels, kills,
                filesChecked, partialsLeft, corrupt, bytesLost);
        System.out.printf("soak: heap after GC %d KiB warm, %d KiB at the end; direct buffers %d KiB warm, %d KiB "
                + "at the end; fds %d before, %d after; threads %d before, %d after%n", heapWarm >> 10, heapEnd >> 10,
                directWarm >> 10, directEnd >> 10, fdsBefore, fdsAfter, threadsBefore, threadsAfter);
        long uploadsFailed = stats.stream().mapToLong(NodeStats::uploadsFailed).sum();
        long uploadsDone = stats.stream().mapToLong(NodeStats::uploadsDone).sum();
        System.out.printf("soak: uploads served %d, cut %d (since the last restart of each node)%n", uploadsDone,
                uploadsFailed);
        System.out.println("soak: failures by kind: " + failureKinds);
        for (String[] c : checks) {
            boolean ok = Boolean.parseBoolean(c[1]);
            System.out.println((ok ? "PASS " : "FAIL ") + c[0]);
            if (ok) {
                passed++;
            } else {
                failedChecks++;
            }
        }
        problems.stream().limit(20).forEach(p -> System.out.println("  problem: " + p));
        System.out.println(passed + " passed, " + failedChecks + " failed");
        if (failedChecks == 0) {
            TestFiles.deleteTree(root); // kept only when something failed, to look at
        }
        return failedChecks == 0 ? 0 : 1;
    }

    private int randomSize() {
        int r = random.nextInt(100);
        if (r < 5) {
            return random.nextInt(64); // tiny, including empty files
        }
        if (r < 70) {
            return random.nextInt(64 << 10);
        }
        if (r < 95) {
            return random.nextInt(1 << 20);
        }
        return random.nextInt(6 << 20);
    }

    private void start(int i) throws IOException {
        NodeConfig.Builder b = NodeConfig.builder().port(ports[i]).folder(folders[i]).delay(Duration.ZERO)
                .period(Duration.ofSeconds(1)).waiting(Duration.ofSeconds(8)).idleTimeout(Duration.ofSeconds(3))
                .getRetryInitial(Duration.ofMillis(300));
        for (int j = 0; j < NODES; j++) {
            if (j != i) {
                b.addPeer("127.0.0.1:" + ports[j]);
            }
        }
        int gen = ++generation[i];
        nodes[i] = Node.start(b.build(), e -> {
            if (e instanceof NodeEvent.DownloadFinished || e instanceof NodeEvent.DownloadFailed) {
                outcomes.add(new Outcome(i, gen, e));
            }
        });
    }

    private void kill(int i) throws Exception {
        kills++;
        nodes[i].close();
        // Whatever that node was fetching has ended with it (its partial files deleted by close).
        drain(0);
        inFlight.keySet().removeIf(k -> k.startsWith(i + "/"));
        start(i);
    }

    private void drain(long waitMillis) throws Exception {
        Outcome o = waitMillis > 0 ? outcomes.poll(waitMillis, TimeUnit.MILLISECONDS) : outcomes.poll();
        while (o != null) {
            handle(o);
            o = outcomes.poll();
        }
    }

    private void handle(Outcome o) throws IOException {
        if (o.generation != generation[o.node]) {
            return; // from a node since killed: its work was already written off
        }
        if (o.event instanceof NodeEvent.DownloadFinished f) {
            if (inFlight.remove(o.node + "/" + f.name()) == null) {
                return;
            }
            finished++;
            String actual = TestFiles.sha256(f.file());
            if (actual.equals(digest.get(f.name())) && Files.size(f.file()) == sizes.get(f.name())) {
                bytesVerified += f.size();
            } else {
                corrupt++;
                bytesLost += f.size();
                problems.add("corrupt download " + f.file() + " from " + f.peer());
            }
            if (!f.file().getFileName().toString().equals(f.name())) {
                // The node had the file already and kept it: this copy beside it is checked, then let go.
                Files.delete(f.file());
            }
        } else if (o.event instanceof NodeEvent.DownloadFailed x) {
            if (inFlight.remove(o.node + "/" + x.name()) != null) {
                failed++;
                failureKinds.merge(kind(x.reason()), 1L, Long::sum);
            }
        }
    }

    /** Heap in use after garbage collection; pauses between collections so Cleaners free direct buffers too. */
    private static long gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    /** Bytes of direct (off-heap) buffers in use: the nodes' read buffers, and any leaked ones. */
    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed)
                .sum();
    }

    private static void gcQuietly() {
        System.gc();
        System.runFinalization();
    }

    /** Open file descriptors of this process (/proc/self/fd, else the JDK's Unix MXBean), or -1 if neither can say. */
    private static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            // the JDK's Unix MXBean, by its attribute: the tests run inside the engine's module, which reads
            // java.management but not jdk.management (com.sun.management)
            try {
                Object n = ManagementFactory.getPlatformMBeanServer().getAttribute(
                        new javax.management.ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME),
                        "OpenFileDescriptorCount");
                return ((Number) n).longValue();
            } catch (javax.management.JMException | RuntimeException notUnix) {
                return -1; // the descriptor check then fails: an uncounted leak is not a pass
            }
        }
    }

    /** Open descriptors, once they are back to {@code before} (closing is asynchronous for a moment), or after 10 s. */
    private static long awaitFds(long before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long now = openFds();
        while (now > before + 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = openFds();
        }
        return now;
    }

    private static int awaitThreads(int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int now = Thread.activeCount();
        while (now > before && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = Thread.activeCount();
        }
        return now;
    }
}
