package p2pnio.sim;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.control.Cluster;
import p2pnio.control.Liveness;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Timers;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.MemberDigest;

/**
 * A deterministic simulation of a cluster of N nodes that runs the real membership code
 * ({@link Cluster}, {@link p2pnio.control.Discovery}, the codec, the timers) on one loop whose
 * clock is simulated, over an in-memory network ({@link SimNetwork}). Nothing sleeps: time jumps
 * from one timer to the next, so N = 1,000 runs in seconds and a run is the same every time for a
 * given seed.
 *
 * <p>Scenarios, each measured in rounds (discovery periods):
 * <ol>
 *   <li><b>converge</b>: N nodes start within one period of each other, node i knowing only node
 *       i - 1 (a chain of seeds); rounds until every node knows every other;</li>
 *   <li><b>cost</b>: datagrams and bytes each node sends per round, over 10 rounds once converged
 *       (mean and the busiest node);</li>
 *   <li><b>kill</b>: one node dies; rounds until no live node lists it (as alive or suspect);</li>
 *   <li><b>churn</b>: 20 % of datagrams lost and 10 % of the nodes restarting (down for one period,
 *       back as a new run) during 30 rounds; removals of a node that was up at the time (false
 *       removals), and whether the cluster is whole again 30 rounds after the loss stops.</li>
 * </ol>
 * {@code main} runs the sizes given and prints one JSON object per line (see {@link Result}).
 */
public final class Simulation {

    static final Duration PERIOD = Duration.ofSeconds(1);
    private static final long ROUND = PERIOD.toNanos();

    /**
     * What one run measured. Rounds are -1 when the thing did not happen within the run.
     *
     * <p>The cost is measured over {@code window} rounds that start {@code settle} rounds after
     * convergence: all datagrams ({@code datagramsPerNodeRound}, {@code bytesPerNodeRound}, the
     * busiest node's {@code maxDatagramsPerNodeRound}), and, apart, the {@code HELLO}s
     * ({@code hellosPerNodeRound}): one per pair of nodes and run, sent the first time two nodes
     * write to each other, a cost of joining that stops once every pair has met (after about N / 3
     * rounds). The rest ({@code steady...}: {@code PING}s, {@code ACK}s, {@code DISCOVER}s) is what a
     * node sends every round for as long as the cluster lives.
     *
     * <p>{@code detectRounds}: from a node's death to the first node that removes it;
     * {@code spreadRounds}: from that first removal to the last; {@code killRemovedRounds}: until no
     * live node lists it (checked once a round). {@code falseSuspicions}: suspicions of a node that
     * was up, during the 30 rounds of loss and restarts, one per node that suspected it (a suspicion
     * is news: one node's spreads to all); {@code falselySuspected}: how many distinct nodes that
     * was; {@code falseRemovals}: removals of a node that was up.
     */
    public record Result(String mode, int nodes, double convergeRounds, double datagramsPerNodeRound,
                         double bytesPerNodeRound, double maxDatagramsPerNodeRound, double hellosPerNodeRound,
                         double steadyDatagramsPerNodeRound, double steadyBytesPerNodeRound,
                         double maxSteadyDatagramsPerNodeRound, double killRemovedRounds, double detectRounds,
                         double spreadRounds, long falseRemovals, long falseSuspicions, int falselySuspected, boolean wholeAfterChurn,
                         double seconds) {

        /** One line of JSON. */
        public String json() {
            return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"nodes\":%d,\"convergeRounds\":%.1f,"
                    + "\"datagramsPerNodeRound\":%.2f,\"bytesPerNodeRound\":%.0f,\"maxDatagramsPerNodeRound\":%.2f,"
                    + "\"hellosPerNodeRound\":%.2f,\"steadyDatagramsPerNodeRound\":%.2f,"
                    + "\"steadyBytesPerNodeRound\":%.0f,\"maxSteadyDatagramsPerNodeRound\":%.2f,"
                    + "\"killRemovedRounds\":%.1f,\"detectRounds\":%.2f,\"spreadRounds\":%.2f,"
                    + "\"falseRemovals\":%d,\"falseSuspicions\":%d,\"falselySuspected\":%d,"
                    + "\"wholeAfterChurn\":%s,\"seconds\":%.1f}", mode, nodes, convergeRounds, datagramsPerNodeRound,
                    bytesPerNodeRound, maxDatagramsPerNodeRound, hellosPerNodeRound, steadyDatagramsPerNodeRound,
                    steadyBytesPerNodeRound, maxSteadyDatagramsPerNodeRound, killRemovedRounds, detectRounds,
                    spreadRounds, falseRemovals, falseSuspicions, falselySuspected, wholeAfterChurn, seconds);
        }
    }

    /** What the nodes said of one watched node: suspicions and removals, how many and when. */
    private static final class Watch {
        final String address;
        long suspicions;
        long removals;
        long firstRemoval = -1;
        long lastRemoval = -1;

        Watch(String address) {
            this.address = address;
        }
    }

    private final NodeConfig.Membership mode;
    private final int n;
    private final long seed;
    private final Path folder;
    private final EventLoop loop;
    private final SimNetwork network;
    private final Random random;
    private final List<SimNode> nodes = new ArrayList<>();
    private long now;
    private long falseRemovals;
    private long falseSuspicions;
    private final java.util.Set<String> falselySuspected = new java.util.HashSet<>();
    private boolean counting;
    private Watch watch;
    /** The node whose suspicions and removals {@link #heardOfOnly} collects. */
    private SimNode listener;
    private final List<String> heardOfRemovals = new ArrayList<>();
    private final long born = System.nanoTime();

    public Simulation(NodeConfig.Membership mode, int n, long seed) throws IOException {
        this.mode = mode;
        this.n = n;
        this.seed = seed;
        this.folder = Files.createTempDirectory("p2p-sim");
        this.loop = new EventLoop(1024, () -> now);
        this.network = new SimNetwork(loop, seed);
        this.random = new Random(seed ^ 0x5eed);
    }

    private InetSocketAddress addressOf(int i) {
        return network.address(i).endpoint();
    }

    private NodeConfig config(int i) {
        NodeConfig.Builder b = NodeConfig.builder().host("10.0.0.1").port(1378).folder(folder).period(PERIOD)
                .membership(mode).maxClusterSize(Math.max(1024, n + 16));
        if (i > 0) {
            b.addPeer(network.address(i - 1).address());
        }
        return b.build();
    }

    private SimNode newNode(int i) {
        long instance = ((1_700_000_000_000L + now / 1_000_000) << 16) | (i & 0xffff);
        InetSocketAddress address = addressOf(i);
        SimNode[] self = new SimNode[1];
        SimNode node = new SimNode(address, config(i), loop, network, instance, e -> observe(self[0], e));
        self[0] = node;
        return node;
    }

    private void observe(SimNode at, NodeEvent event) {
        if (at == listener && event instanceof NodeEvent.PeerLiveness l && !l.state().equals("alive")) {
            heardOfRemovals.add(l.address() + "=" + l.state());
        }
        if (watch != null && event instanceof NodeEvent.PeerLiveness l && l.address().equals(watch.address)) {
            if (l.state().equals("suspect")) {
                watch.suspicions++;
            } else if (l.state().equals("removed") || l.state().equals("down")) {
                watch.removals++;
                if (watch.firstRemoval < 0) {
                    watch.firstRemoval = now;
                }
                watch.lastRemoval = now;
            }
        }
        if (Boolean.getBoolean("sim.debug") && (event instanceof NodeEvent.PeerLiveness || event instanceof NodeEvent.PeerRestarted)) {
            System.err.printf("%.2f %s %s%n", now / 1e9, at.address(), event);
        }
        if (!counting || !(event instanceof NodeEvent.PeerLiveness l)) {
            return;
        }
        String host = l.address().substring(0, l.address().lastIndexOf(':'));
        boolean up;
        try {
            up = network.isUp(new InetSocketAddress(InetAddress.getByName(host), 1378));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        if (up && (l.state().equals("removed") || l.state().equals("down"))) {
            falseRemovals++;
            if (Boolean.getBoolean("sim.progress")) {
                System.err.printf(Locale.ROOT, "false removal at %.2f rounds: %s by %s%n", now / (double) ROUND, l, at.address());
            }
        } else if (up && l.state().equals("suspect")) {
            falseSuspicions++;
            falselySuspected.add(l.address());
        }
    }

    /** Runs the timers until {@code until}, jumping from one to the next. */
    private void runUntil(long until) {
        Timers timers = loop.timers();
        while (true) {
            long wait = timers.nanosUntilNext(now);
            if (wait < 0 || now + wait > until) {
                now = until;
                return;
            }
            now += wait;
            timers.runDue(now);
        }
    }

    /** True when every live node lists every other live node as alive, and nothing else. */
    private boolean whole() {
        int live = 0;
        for (SimNode node : nodes) {
            if (node.up) {
                live++;
            }
        }
        for (SimNode node : nodes) {
            if (!node.up) {
                continue;
            }
            if (node.cluster.size() < live - 1) {
                return false; // it cannot list them all yet: no need to walk its list
            }
            int alive = 0;
            for (Cluster.Peer p : node.cluster.peers()) {
                if (p.liveness() == Liveness.ALIVE && p.endpoint() != null && network.isUp(p.endpoint())) {
                    alive++;
                }
            }
            if (alive != live - 1) {
                return false;
            }
        }
        return true;
    }

    /** Runs every scenario; {@code full} false runs only convergence and cost (for the all-to-all baseline). */
    public Result run(boolean full) {
        long started = System.nanoTime();
        // 1. converge from a chain of seeds, every node starting within the first period
        for (int i = 0; i < n; i++) {
            SimNode node = newNode(i);
            nodes.add(node);
            loop.schedule((long) (random.nextDouble() * ROUND), "start node " + i, node::start);
        }
        progress("started " + n + " nodes");
        double converge = -1;
        int limit = 200;
        for (int r = 1; r <= limit; r++) {
            runUntil(r * ROUND);
            if (whole()) {
                converge = r;
                break;
            }
            if (Boolean.getBoolean("sim.progress")) {
                long records = 0;
                for (SimNode node : nodes) {
                    records += node.cluster.size();
                }
                progress(String.format(Locale.ROOT, "%,d of %,d peer records (%.1f %%)", records, (long) n * (n - 1),
                        100.0 * records / ((long) n * (n - 1))));
            }
            if (Boolean.getBoolean("sim.tail")) {
                tail();
            }
            if (Boolean.getBoolean("sim.missing")) {
                missing();
            }
        }
        progress("converged in " + converge + " rounds");
        if (Boolean.getBoolean("sim.heap")) {
            progress(String.format(Locale.ROOT, "heap %.0f bytes per peer record", heapPerPeerRecord()));
        }
        // 2. cost per node per round, once converged
        runUntil(now + Integer.getInteger("sim.settle", 5) * ROUND);
        long d0 = network.datagrams;
        long b0 = network.bytes;
        long[] before = new long[n];
        long[] hellosBefore = new long[n];
        long[] helloBytesBefore = new long[n];
        for (int i = 0; i < n; i++) {
            before[i] = nodes.get(i).sent;
            hellosBefore[i] = nodes.get(i).hellos;
            helloBytesBefore[i] = nodes.get(i).helloBytes;
        }
        int window = Integer.getInteger("sim.window", 10);
        long[] types = network.byType.clone();
        runUntil(now + window * ROUND);
        progress("cost window: " + network.typesSince(types) + "; " + kinds());
        double perNode = (network.datagrams - d0) / (double) n / window;
        double bytesPerNode = (network.bytes - b0) / (double) n / window;
        long busiest = 0;
        long busiestSteady = 0;
        long hellos = 0;
        long helloBytes = 0;
        for (int i = 0; i < n; i++) {
            SimNode node = nodes.get(i);
            long h = node.hellos - hellosBefore[i];
            hellos += h;
            helloBytes += node.helloBytes - helloBytesBefore[i];
            busiest = Math.max(busiest, node.sent - before[i]);
            busiestSteady = Math.max(busiestSteady, node.sent - before[i] - h);
        }
        double maxPerNode = busiest / (double) window;
        double hellosPerNode = hellos / (double) n / window;
        double steadyPerNode = perNode - hellosPerNode;
        double steadyBytesPerNode = bytesPerNode - helloBytes / (double) n / window;
        double maxSteadyPerNode = busiestSteady / (double) window;
        // the figures as they come, so that a long run that cannot finish still says what it measured
        progress(String.format(Locale.ROOT, "cost measured: %.2f datagrams (busiest %.2f), %.0f bytes per node per round;"
                + " apart the HELLOs (%.2f): %.2f datagrams (busiest %.2f), %.0f bytes", perNode, maxPerNode, bytesPerNode,
                hellosPerNode, steadyPerNode, maxSteadyPerNode, steadyBytesPerNode));
        double[] killed = {-1, -1, -1};
        boolean wholeAgain = false;
        if (full) {
            killed = kill();
            progress("killed node gone everywhere in " + killed[0] + " rounds (first removal after " + killed[1]
                    + ", spread to all in " + killed[2] + " more)");
        }
        if (full && mode == NodeConfig.Membership.GOSSIP) {
            wholeAgain = churn();
        }
        return new Result(mode == NodeConfig.Membership.GOSSIP ? "gossip" : "all-to-all", n, converge, perNode,
                bytesPerNode, maxPerNode, hellosPerNode, steadyPerNode, steadyBytesPerNode, maxSteadyPerNode,
                killed[0], killed[1], killed[2], falseRemovals, falseSuspicions, falselySuspected.size(), wholeAgain,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Where the records still missing are (a diagnosis of the slow tail of convergence): how many,
     * at how many nodes, of how many members; how many of them a digest of their slice by their
     * owner, as {@code Discovery} builds it, claims to hold at the first of its 8 lengths (a Bloom
     * false positive: no delta answering that digest sends them), and how many at all 8 lengths.
     */
    private void tail() {
        long missing = 0;
        long claimedOnce = 0;
        long claimedAlways = 0;
        java.util.Set<String> of = new java.util.HashSet<>();
        int at = 0;
        java.util.Map<String, Long> hashes = new java.util.HashMap<>();
        for (SimNode node : nodes) {
            String a = p2pnio.PeerAddress.of(node.address());
            hashes.put(a, MemberDigest.hash(a));
        }
        for (SimNode node : nodes) {
            if (node.cluster.size() >= n - 1) {
                continue;
            }
            at++;
            int known = node.cluster.size() + 1;
            int slices = MemberDigest.slicesFor(known);
            MemberDigest[][] digests = new MemberDigest[8][slices];
            for (int salt = 0; salt < 8; salt++) {
                for (int s = 0; s < slices; s++) {
                    digests[salt][s] = MemberDigest.forSlice(slices, s, known / slices + 16, salt);
                }
                long self = hashes.get(p2pnio.PeerAddress.of(node.address()));
                digests[salt][MemberDigest.sliceOf(self, slices)].add(self);
                for (Cluster.Peer p : node.cluster.peers()) {
                    long h = p.hash();
                    digests[salt][MemberDigest.sliceOf(h, slices)].add(h);
                }
            }
            for (SimNode other : nodes) {
                String a = p2pnio.PeerAddress.of(other.address());
                if (other == node || node.cluster.byAddress(a) != null) {
                    continue;
                }
                missing++;
                of.add(a);
                long h = hashes.get(a);
                int slice = MemberDigest.sliceOf(h, slices);
                int claimed = 0;
                for (int salt = 0; salt < 8; salt++) {
                    if (digests[salt][slice].mightContain(h)) {
                        claimed++;
                    }
                }
                claimedOnce += digests[0][slice].mightContain(h) ? 1 : 0;
                claimedAlways += claimed == 8 ? 1 : 0;
            }
        }
        progress(String.format(Locale.ROOT, "tail: %,d records missing at %,d nodes, of %,d members; the owner's digest"
                + " claims %,d of them at its first length, %,d at all 8", missing, at, of.size(), claimedOnce, claimedAlways));
    }

    /** How the nodes hold their records: as ours, as reference-style heard from, or only heard of. */
    private String kinds() {
        long ours = 0;
        long heard = 0;
        long hearsay = 0;
        for (SimNode node : nodes) {
            for (Cluster.Peer p : node.cluster.peers()) {
                if (p.extended()) {
                    ours++;
                } else if (p.heard()) {
                    heard++;
                } else {
                    hearsay++;
                }
            }
        }
        return "records held as ours " + ours + ", reference-style heard from " + heard + ", only heard of " + hearsay;
    }

    /**
     * Each record still missing once at most 300 are (a diagnosis of the slow tail): which node
     * lacks which member, whether its digests of the member's slice claim it (at how many of their
     * 8 lengths), how the other nodes hold the member (alive, suspect, or not at all), and the
     * lacking node's news queue.
     */
    private void missing() {
        long total = 0;
        for (SimNode node : nodes) {
            total += n - 1 - node.cluster.size();
        }
        if (total > 300) {
            return;
        }
        for (SimNode node : nodes) {
            if (node.cluster.size() >= n - 1) {
                continue;
            }
            int known = node.cluster.size() + 1;
            int slices = MemberDigest.slicesFor(known);
            for (int x = 0; x < n; x++) {
                SimNode other = nodes.get(x);
                String a = p2pnio.PeerAddress.of(other.address());
                if (other == node || node.cluster.byAddress(a) != null) {
                    continue;
                }
                long h = MemberDigest.hash(a);
                int slice = MemberDigest.sliceOf(h, slices);
                int claimed = 0;
                for (int salt = 0; salt < 8; salt++) {
                    MemberDigest d = MemberDigest.forSlice(slices, slice, known / slices + 16, salt);
                    d.add(MemberDigest.hash(p2pnio.PeerAddress.of(node.address())));
                    for (Cluster.Peer p : node.cluster.peers()) {
                        if (MemberDigest.sliceOf(p.hash(), slices) == slice) {
                            d.add(p.hash());
                        }
                    }
                    claimed += d.mightContain(h) ? 1 : 0;
                }
                int alive = 0;
                int suspect = 0;
                int absent = 0;
                for (SimNode holder : nodes) {
                    if (holder == other) {
                        continue;
                    }
                    Cluster.Peer p = holder.cluster.byAddress(a);
                    if (p == null) {
                        absent++;
                    } else if (p.liveness() == Liveness.SUSPECT) {
                        suspect++;
                    } else if (p.liveness() == Liveness.ALIVE) {
                        alive++;
                    }
                }
                progress(String.format(Locale.ROOT, "missing: node %d (%d known) lacks %d (slice %d of %d, claimed at %d of 8"
                        + " lengths); held alive by %d, suspect by %d, absent at %d; news waiting at the node %d",
                        nodes.indexOf(node), known - 1, x, slice, slices, claimed, alive, suspect, absent,
                        node.discovery.newsWaiting()));
            }
        }
    }

    /**
     * The heap the simulation holds after a full collection, divided by the peer records of every
     * node's list (N (N - 1) once converged): an upper bound of a record's cost, since it includes
     * the network, timers, news queues and everything else of N nodes.
     */
    private double heapPerPeerRecord() {
        long records = 0;
        for (SimNode node : nodes) {
            records += node.cluster.size();
        }
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() / (double) Math.max(1, records);
    }

    private void progress(String what) {
        if (Boolean.getBoolean("sim.progress")) {
            System.err.printf(Locale.ROOT, "[%s %d] t=%.0f rounds (%s): %s%n", mode, n, now / (double) ROUND, usage(), what);
        }
    }

    /** User plus system CPU of this process, GC threads included (Linux: /proc/self/stat, in ticks of 10 ms), or -1. */
    private static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Wall clock since the start, CPU time of the process (GC included), heap used, and the load average: for the progress lines. */
    private String usage() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double cpu = processCpuSeconds();
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "wall %.0f s, cpu %.0f s, heap %.1f GB, load %.1f", (System.nanoTime() - born) / 1e9,
                cpu, (rt.totalMemory() - rt.freeMemory()) / 1e9, os.getSystemLoadAverage());
    }

    /**
     * Kills a node in the middle of the chain. Returns the rounds until no live node lists it as
     * alive or suspect (checked once a round), from its death to the first node that removes it
     * (or shows it down), and from that first removal to the last (-1: not within the run).
     */
    private double[] kill() {
        SimNode victim = nodes.get(n / 2);
        Watch w = new Watch(p2pnio.PeerAddress.of(victim.address()));
        watch = w;
        victim.kill();
        long at = now;
        int limit = mode == NodeConfig.Membership.GOSSIP ? 100 : 30;
        double gone = -1;
        for (int r = 1; r <= limit; r++) {
            runUntil(at + r * ROUND);
            boolean listed = false;
            for (SimNode node : nodes) {
                if (!node.up) {
                    continue;
                }
                Cluster.Peer p = node.cluster.byAddress(w.address);
                if (p != null && p.liveness() != Liveness.DOWN) {
                    listed = true;
                    break;
                }
            }
            if (!listed) {
                gone = r;
                break;
            }
        }
        watch = null;
        return new double[] {gone, w.firstRemoval < 0 ? -1 : (w.firstRemoval - at) / (double) ROUND,
                w.firstRemoval < 0 ? -1 : (w.lastRemoval - w.firstRemoval) / (double) ROUND};
    }

    /**
     * 20 % loss for 30 rounds while 10 % of the nodes restart (down one period, then a new run that
     * knows its seed); then no loss. True if the cluster is whole again within 30 more rounds.
     */
    private boolean churn() {
        // bring the killed node back first, as a new run, so that every node is expected
        int victim = n / 2;
        SimNode back = newNode(victim);
        nodes.set(victim, back);
        back.start();
        runUntil(now + 20 * ROUND);
        counting = true;
        network.loss(0.2);
        long start = now;
        int restarts = Math.max(1, n / 10);
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < restarts) {
            int i = random.nextInt(n);
            if (!chosen.contains(i)) {
                chosen.add(i);
            }
        }
        for (int i : chosen) {
            long when = start + (long) (random.nextDouble() * 25 * ROUND);
            loop.timers().at(when, "kill " + i, () -> nodes.get(i).kill());
            loop.timers().at(when + ROUND, "restart " + i, () -> {
                SimNode again = newNode(i);
                nodes.set(i, again);
                again.start();
            });
        }
        runUntil(start + 30 * ROUND);
        progress("30 rounds of loss and restarts: " + falseRemovals + " false removals, " + falseSuspicions
                + " false suspicions of " + falselySuspected.size() + " nodes");
        network.loss(0);
        for (int r = 1; r <= 30; r++) {
            runUntil(start + (30 + r) * ROUND);
            if (whole()) {
                counting = false;
                return true;
            }
        }
        counting = false;
        if (Boolean.getBoolean("sim.debug")) {
            describeHoles();
        }
        return false;
    }

    private void describeHoles() {
        for (SimNode node : nodes) {
            if (!node.up) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            int alive = 0;
            for (Cluster.Peer p : node.cluster.peers()) {
                boolean up = p.endpoint() != null && network.isUp(p.endpoint());
                if (p.liveness() == Liveness.ALIVE && up) {
                    alive++;
                } else {
                    b.append(' ').append(p.address()).append('=').append(p.liveness()).append(up ? "(up)" : "(gone)");
                }
            }
            if (alive != n - 1) {
                StringBuilder missing = new StringBuilder();
                for (SimNode other : nodes) {
                    if (other != node && node.cluster.byAddress(p2pnio.PeerAddress.of(other.address())) == null) {
                        missing.append(' ').append(other.address().getAddress().getAddress()[3]);
                    }
                }
                System.err.println(node.address() + " alive " + alive + " of " + (n - 1) + ":" + b + " missing" + missing);
            }
        }
    }

    /**
     * Converges a cluster, then cuts one node off the network for {@code rounds} rounds (it keeps
     * running, as behind a broken cable) and heals it. Returns how many times a node suspected it,
     * and how many times one removed it (or showed it down), in the {@code after} rounds from the
     * cut on: a partition shorter than suspicion plus removal must end in refutations, not removals.
     */
    public long[] partition(int rounds, int after) {
        for (int i = 0; i < n; i++) {
            SimNode node = newNode(i);
            nodes.add(node);
            loop.schedule((long) (random.nextDouble() * ROUND), "start node " + i, node::start);
        }
        runUntil(30 * ROUND);
        SimNode cut = nodes.get(n / 3);
        String address = p2pnio.PeerAddress.of(cut.address());
        Watch w = new Watch(address);
        watch = w;
        long start = now;
        network.cut(cut.address(), true);
        runUntil(start + rounds * ROUND);
        network.cut(cut.address(), false);
        runUntil(start + after * ROUND);
        watch = null;
        return new long[] {w.suspicions, w.removals};
    }

    /**
     * The repair of a record that a Bloom false positive hides (the slow tail of convergence at
     * 10,000 nodes): converges a cluster, lets its news run out ({@code settle} rounds), then takes
     * from one node A a member X that A's digest of X's slice, at its first length, claims to hold
     * although A lacks it (A forgets X, with no tombstone and no news: as if it had never heard of
     * it). Only a delta, or X itself writing to A, can bring X back. Returns the round A knows X
     * again (-1: not within {@code rounds}), and 1 if a delta brought it (A learned it from a third
     * node), 0 if X's own datagram did; null if no such pair exists in this cluster.
     */
    public double[] forgetFalselyClaimed(int settle, int rounds) {
        for (int i = 0; i < n; i++) {
            SimNode node = newNode(i);
            nodes.add(node);
            loop.schedule((long) (random.nextDouble() * ROUND), "start node " + i, node::start);
        }
        runUntil(settle * ROUND);
        for (SimNode a : nodes) {
            int known = a.cluster.size(); // ourselves and the others, X left out
            int slices = MemberDigest.slicesFor(known);
            for (Cluster.Peer x : new ArrayList<>(a.cluster.peers())) {
                if (x.configured()) {
                    continue;
                }
                int slice = MemberDigest.sliceOf(x.hash(), slices);
                MemberDigest d = MemberDigest.forSlice(slices, slice, known / slices + 16, 0);
                long self = MemberDigest.hash(a.cluster.selfAddress());
                if (d.covers(self)) {
                    d.add(self);
                }
                for (List<Cluster.Peer> group : a.cluster.inSlice(slices, slice)) {
                    for (Cluster.Peer p : group) {
                        if (p != x && d.covers(p.hash())) {
                            d.add(p.hash());
                        }
                    }
                }
                if (!d.mightContain(x.hash())) {
                    continue;
                }
                String address = x.address();
                a.cluster.moveTo(x, Liveness.REMOVED, now); // a tombstone that is over at once
                long start = now;
                for (int r = 1; r <= rounds; r++) {
                    runUntil(start + r * ROUND);
                    Cluster.Peer back = a.cluster.byAddress(address);
                    if (back != null) {
                        return new double[] {r, back.via().equals(Cluster.SENDER) ? 0 : 1};
                    }
                }
                return new double[] {-1, 0};
            }
        }
        return null;
    }

    /**
     * A node that knows most of the cluster only from lists (as a restarted node of a large
     * cluster does, from the plain {@code DISCOVER}s of nodes that have not yet recognised its new
     * run): converges a cluster, restarts one node, hands the new run every other member as
     * hearsay (added from a list, not known as ours, never heard from), and runs {@code rounds}
     * rounds at 20 % loss. Returns what the new run said of live members other than "alive"
     * (suspect, removed), as {@code address=state}: it should say nothing, since they are all up.
     */
    public List<String> heardOfOnly(int rounds) {
        return heardOfOnly(rounds, 1);
    }

    /** As {@link #heardOfOnly(int)}, handing the new run one member in {@code every} only (it lacks the others). */
    public List<String> heardOfOnly(int rounds, int every) {
        for (int i = 0; i < n; i++) {
            SimNode node = newNode(i);
            nodes.add(node);
            loop.schedule((long) (random.nextDouble() * ROUND), "start node " + i, node::start);
        }
        runUntil(30 * ROUND);
        int k = n / 2;
        nodes.get(k).kill();
        runUntil(now + ROUND);
        SimNode again = newNode(k);
        nodes.set(k, again);
        listener = again;
        again.start();
        for (int i = 0; i < n; i++) {
            if (i != k && i != k - 1 && i % every == 0) {
                again.cluster.add(network.address(i).address(), network.address((i + 1) % n).address());
            }
        }
        network.loss(0.2);
        runUntil(now + rounds * ROUND);
        network.loss(0);
        listener = null;
        return heardOfRemovals;
    }

    /**
     * A fresh node A whose configured seed B is cut off (both ways) for its first {@code cut}
     * rounds, then heard again for {@code after} rounds (a reply comes at B's next round): what A said of B other than "alive"
     * ({@code address=state}), in order. B is up all along; A has never heard from it in that time.
     */
    public List<String> seedCutOff(int cut, int after) {
        SimNode b = newNode(0);
        SimNode a = newNode(1);
        nodes.add(b);
        nodes.add(a);
        b.start();
        runUntil(now + ROUND);
        network.cut(b.address(), true);
        listener = a;
        a.start();
        runUntil(now + cut * ROUND);
        network.cut(b.address(), false);
        runUntil(now + after * ROUND);
        listener = null;
        return heardOfRemovals;
    }

    /**
     * The digests one node sends: node 0, whose list holds {@code members} addresses besides node 1
     * (the one node of ours it can {@code PING}), runs {@code rounds} rounds. Returns, for each
     * {@code PING} it sent, in order: the slices of its digest's split, the slice, the filter's
     * length in base64 characters, and how many bytes longer it is than its members need (0 to 7).
     */
    public List<int[]> digestsSent(int members, int rounds) {
        SimNode a = newNode(0);
        SimNode b = newNode(1);
        nodes.add(a);
        nodes.add(b);
        List<int[]> seen = new ArrayList<>();
        network.tap = (from, datagram) -> {
            String text = new String(datagram, java.nio.charset.StandardCharsets.UTF_8);
            if (from == a && text.startsWith("PING,")) {
                String[] digest = text.split(",", 5)[3].split("-", 3);
                int slices = Integer.parseInt(digest[0]);
                // the filter's bytes beyond those its members need (MemberDigest.forSlice: 0 to 7)
                int known = a.cluster.size() + 1;
                int extra = digest[2].length() * 3 / 4 - Math.max(8, ((known / slices + 16) * 10 + 7) / 8);
                seen.add(new int[] {slices, Integer.parseInt(digest[1]), digest[2].length(), extra});
            }
        };
        a.start();
        b.start();
        for (int i = 2; i < members + 2; i++) {
            a.cluster.add(network.address(i).address(), "test");
        }
        runUntil(now + rounds * ROUND);
        return seen;
    }

    /**
     * All-to-all's cost per node per round once converged, from the code rather than a run: every
     * round each node sends each of its N - 1 peers its list (the N - 1 others) with itself first,
     * as {@link ControlCodec#encodeDiscover(String, List, int)} packs it, and nothing else; no
     * random choice, no loss. Only the order of a node's list (the order it learned its peers in) is
     * not known without a run, and it can change only how entries fall into datagrams: each
     * datagram but the last leaves less than one entry unused, so the count lies between the bytes'
     * lower bound and that bound with one unused entry per datagram. When the two agree (they do
     * for the sizes measured; else this throws) the figure is the same for every order, hence what
     * a run would measure: {@code MembershipSimulationTest} checks it against runs at 16 and 64
     * nodes, and the table shows it beside the runs at 100 and 300.
     */
    static Result allToAllConverged(int n) {
        SimNetwork book = new SimNetwork(null, 0);
        List<String> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(book.address(i).address());
        }
        long datagrams = 0;
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            List<String> list = new ArrayList<>(all);
            String self = list.remove(i);
            List<byte[]> packed = ControlCodec.encodeDiscover(self, list, ControlCodec.MAX_DATAGRAM);
            int head = ("DISCOVER," + self + "\n").length();
            int entries = 0;
            int longest = 0;
            for (String a : list) {
                entries += a.length() + 1;
                longest = Math.max(longest, a.length() + 1);
            }
            int room = ControlCodec.MAX_DATAGRAM - head;
            int fewest = (entries + room - 1) / room;
            int most = (entries + fewest * (longest - 1) + room - 1) / room;
            if (packed.size() != fewest || most != fewest) {
                throw new IllegalStateException("all-to-all at " + n + ": the count depends on the list's order");
            }
            int perList = 0;
            for (byte[] d : packed) {
                perList += d.length;
            }
            datagrams += (long) packed.size() * (n - 1);
            bytes += (long) perList * (n - 1);
        }
        double perNode = datagrams / (double) n;
        double bytesPerNode = bytes / (double) n;
        return new Result("all-to-all", n, -1, perNode, bytesPerNode, perNode, 0, perNode, bytesPerNode, perNode,
                -1, -1, -1, 0, 0, 0, false, 0);
    }

    /**
     * Runs the sizes given: {@code gossip:1000 all-to-all:300 ...}, {@code all-to-all:300:cost} (no kill),
     * {@code all-to-all:1000:computed} ({@link #allToAllConverged}); prints one JSON line per run.
     */
    public static void main(String[] args) throws IOException {
        for (String arg : args) {
            String[] mn = arg.split(":");
            NodeConfig.Membership mode = mn[0].equals("gossip") ? NodeConfig.Membership.GOSSIP
                    : NodeConfig.Membership.ALL_TO_ALL;
            int n = Integer.parseInt(mn[1]);
            if (mn.length == 3 && mn[2].equals("computed")) {
                System.out.println(allToAllConverged(n).json().replace("{", "{\"harness\":\"computed\","));
                continue;
            }
            boolean full = mn.length < 3 || !mn[2].equals("cost");
            Result r = new Simulation(mode, n, Long.getLong("sim.seed", 42)).run(full);
            Integer settle = Integer.getInteger("sim.settle");
            System.out.println(settle == null ? r.json() : r.json().replace("{", "{\"harness\":\"simulation, cost "
                    + settle + " rounds after converging\","));
        }
    }
}
