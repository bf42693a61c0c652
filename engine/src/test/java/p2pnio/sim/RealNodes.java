package p2pnio.sim;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;

/**
 * Many real {@link Node}s in one JVM on loopback, each with its own loop thread, sockets and
 * timers, on a fast period: the check of the simulation against the real thing, as far as one
 * machine goes. {@code main} prints one JSON line per run:
 * <ul>
 *   <li>{@code cluster <gossip|all-to-all> N periodMillis}: N nodes from a chain of seeds; rounds
 *       until every node lists every other, datagrams and bytes per node per round over 10
 *       rounds once converged, the longest loop turn of any node, rounds until a killed node is
 *       listed by none;</li>
 *   <li>{@code full-list <gossip|all-to-all>}: one node whose list is filled to its cap of 1,024
 *       peers (addresses where nobody listens, as in the hostile test of issue 13); its longest
 *       loop turn and datagrams per round over 5 one-second rounds.</li>
 * </ul>
 */
public final class RealNodes {

    private RealNodes() {
    }

    private static NodeConfig.Membership mode(String s) {
        return s.equals("gossip") ? NodeConfig.Membership.GOSSIP : NodeConfig.Membership.ALL_TO_ALL;
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("cluster")) {
            System.out.println(cluster(mode(args[1]), Integer.parseInt(args[2]), Duration.ofMillis(Long.parseLong(args[3]))));
        } else {
            System.out.println(fullList(mode(args[1])));
        }
        System.exit(0);
    }

    static String cluster(NodeConfig.Membership mode, int n, Duration period) throws Exception {
        Path root = Files.createTempDirectory("p2p-real");
        List<Node> nodes = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                NodeConfig.Builder b = NodeConfig.builder().port(0).folder(Files.createDirectories(root.resolve("n" + i)))
                        .period(period).membership(mode).maxClusterSize(Math.max(1024, n + 16))
                        .udpReceiveBufferBytes(1 << 20);
                if (i > 0) {
                    b.addPeer(nodes.get(i - 1).address());
                }
                nodes.add(Node.start(b.build(), e -> { }));
            }
            long started = System.nanoTime();
            double converge = -1;
            while (System.nanoTime() - started < 200 * period.toNanos()) {
                if (allKnowAll(nodes)) {
                    converge = (System.nanoTime() - started) / (double) period.toNanos();
                    break;
                }
                Thread.sleep(Math.max(5, period.toMillis() / 4));
            }
            Thread.sleep(3 * period.toMillis());
            List<NodeStats> before = stats(nodes);
            long w0 = System.nanoTime();
            Thread.sleep(10 * period.toMillis());
            List<NodeStats> after = stats(nodes);
            double rounds = (System.nanoTime() - w0) / (double) period.toNanos();
            long datagrams = 0;
            long bytes = 0;
            long busiest = 0;
            long longestTurn = 0;
            long longestRound = 0;
            for (int i = 0; i < n; i++) {
                long d = after.get(i).datagramsOut() - before.get(i).datagramsOut();
                datagrams += d;
                bytes += after.get(i).datagramBytesOut() - before.get(i).datagramBytesOut();
                busiest = Math.max(busiest, d);
                longestTurn = Math.max(longestTurn, after.get(i).longestTurnNanos());
                longestRound = Math.max(longestRound, after.get(i).longestRoundNanos());
            }
            Node victim = nodes.remove(n / 2);
            String gone = victim.address();
            victim.close();
            long k0 = System.nanoTime();
            double removed = -1;
            while (System.nanoTime() - k0 < 60 * period.toNanos()) {
                if (noneLists(nodes, gone)) {
                    removed = (System.nanoTime() - k0) / (double) period.toNanos();
                    break;
                }
                Thread.sleep(Math.max(5, period.toMillis() / 4));
            }
            return String.format(Locale.ROOT, "{\"harness\":\"real\",\"mode\":\"%s\",\"nodes\":%d,\"periodMillis\":%d,"
                    + "\"startSeconds\":%.1f,\"convergeRounds\":%.1f,\"datagramsPerNodeRound\":%.2f,"
                    + "\"bytesPerNodeRound\":%.0f,\"maxDatagramsPerNodeRound\":%.2f,\"longestTurnMillis\":%.2f,"
                    + "\"longestRoundMillis\":%.2f,\"killRemovedRounds\":%.1f}",
                    mode == NodeConfig.Membership.GOSSIP ? "gossip" : "all-to-all", n, period.toMillis(),
                    (started - t0) / 1e9, converge, datagrams / (double) n / rounds, bytes / (double) n / rounds,
                    busiest / rounds, longestTurn / 1e6, longestRound / 1e6, removed);
        } finally {
            for (Node node : nodes) {
                node.close();
            }
        }
    }

    static String fullList(NodeConfig.Membership mode) throws Exception {
        Path folder = Files.createTempDirectory("p2p-full");
        Duration period = Duration.ofSeconds(1);
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(folder).period(period).membership(mode)
                .build(), e -> { });
             DatagramSocket feeder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            for (int d = 0; d < 11; d++) {
                StringBuilder s = new StringBuilder("DISCOVER");
                for (int i = 0; i < 100; i++) {
                    s.append(",127.0.").append(20 + d).append('.').append(i + 1).append(':').append(30000 + i);
                }
                byte[] bytes = s.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
                feeder.send(new DatagramPacket(bytes, bytes.length, node.controlAddress()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (node.stats().get().peers() < 1024 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            NodeStats before = node.stats().get();
            Thread.sleep(5 * period.toMillis() + 100);
            NodeStats after = node.stats().get();
            // the longest turn counts from the node's start (opening it is one turn); the longest
            // round is the time the turns that ran a discovery round spent in it
            return String.format(Locale.ROOT, "{\"harness\":\"full-list\",\"mode\":\"%s\",\"peers\":%d,"
                    + "\"datagramsPerRound\":%.1f,\"longestTurnBeforeMillis\":%.2f,\"longestTurnMillis\":%.2f,"
                    + "\"longestRoundMillis\":%.2f}",
                    mode == NodeConfig.Membership.GOSSIP ? "gossip" : "all-to-all", before.peers(),
                    (after.datagramsOut() - before.datagramsOut()) / 5.0, before.longestTurnNanos() / 1e6,
                    after.longestTurnNanos() / 1e6, after.longestRoundNanos() / 1e6);
        }
    }

    private static List<NodeStats> stats(List<Node> nodes) throws Exception {
        List<CompletableFuture<NodeStats>> futures = new ArrayList<>();
        for (Node n : nodes) {
            futures.add(n.stats());
        }
        List<NodeStats> out = new ArrayList<>();
        for (CompletableFuture<NodeStats> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    private static List<List<NodeEvent.PeerInfo>> peers(List<Node> nodes) throws Exception {
        List<CompletableFuture<List<NodeEvent.PeerInfo>>> futures = new ArrayList<>();
        for (Node n : nodes) {
            futures.add(n.peers());
        }
        List<List<NodeEvent.PeerInfo>> out = new ArrayList<>();
        for (CompletableFuture<List<NodeEvent.PeerInfo>> f : futures) {
            out.add(f.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    private static boolean allKnowAll(List<Node> nodes) throws Exception {
        for (List<NodeEvent.PeerInfo> list : peers(nodes)) {
            long alive = list.stream().filter(p -> p.state().equals("alive")).count();
            if (alive < nodes.size() - 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean noneLists(List<Node> nodes, String gone) throws Exception {
        for (List<NodeEvent.PeerInfo> list : peers(nodes)) {
            if (list.stream().anyMatch(p -> p.address().equals(gone) && !p.state().equals("down"))) {
                return false;
            }
        }
        return true;
    }
}
