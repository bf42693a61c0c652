package p2pnio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.support.BenchFiles;

/**
 * Where the time of a verified download goes (issue 11), beside benchmark 8: one serving node and
 * one fetching node per way of checking, in one JVM, downloads of one file interleaved (each way
 * once per round), and for each download its wall time and, per thread, the CPU it used and the
 * time it waited for a CPU while runnable (both from {@code /proc/self/task/<tid>/schedstat}, in
 * nanoseconds), its user time ({@code stat}, in ticks of 10 ms) and its voluntary and involuntary context switches ({@code status}), summed
 * per GiB; medians over the rounds.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar p2pnio.bench.VerifyProbe [rounds] [fileMiB]}
 */
public final class VerifyProbe {

    private static final String NAME = "probe.bin";
    private static final double HZ = 100.0; // USER_HZ of /proc/<pid>/task/<tid>/stat on Linux

    private VerifyProbe() {
    }

    /** One thread's counters at one moment. */
    private record Sample(double cpuS, double userS, double runqS, long vol, long invol) {
        Sample minus(Sample o) {
            return new Sample(cpuS - o.cpuS, userS - o.userS, runqS - o.runqS, vol - o.vol, invol - o.invol);
        }

        Sample plus(Sample o) {
            return new Sample(cpuS + o.cpuS, userS + o.userS, runqS + o.runqS, vol + o.vol, invol + o.invol);
        }

        Sample per(double gib) {
            return new Sample(cpuS / gib, userS / gib, runqS / gib, (long) (vol / gib), (long) (invol / gib));
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long size = (args.length > 1 ? Integer.parseInt(args[1]) : 1024) * BenchFiles.MIB;
        Path served = Files.createTempDirectory("p2p-probe-served");
        BenchFiles.write(served.resolve(NAME), size);
        Map<Long, String> roles = new TreeMap<>();
        Set<Long> before = tids();
        NodeServer server = new NodeServer(served, 1);
        name(roles, before, "serve");
        while (server.node().files().get(10, TimeUnit.SECONDS).stream().noneMatch(f -> f.sha256() != null)) {
            Thread.sleep(20);
        }
        Map<NodeConfig.Verify, Node> fetchers = new LinkedHashMap<>();
        Map<NodeConfig.Verify, BlockingQueue<NodeEvent>> outcomes = new LinkedHashMap<>();
        List<Path> sinks = new ArrayList<>();
        for (NodeConfig.Verify v : NodeConfig.Verify.values()) {
            Path sink = Files.createTempDirectory("p2p-probe-sink");
            sinks.add(sink);
            BlockingQueue<NodeEvent> q = new LinkedBlockingQueue<>();
            outcomes.put(v, q);
            before = tids();
            fetchers.put(v, new NodeServer(NodeServer.config(sink).addPeer(server.node().address()).verify(v).build(), 0,
                    e -> {
                        if (e instanceof NodeEvent.DownloadFinished || e instanceof NodeEvent.DownloadFailed) {
                            q.add(e);
                        }
                    }).node());
            name(roles, before, v.name().toLowerCase());
        }
        Map<NodeConfig.Verify, List<Double>> rates = new LinkedHashMap<>();
        Map<NodeConfig.Verify, Map<String, List<Sample>>> perThread = new LinkedHashMap<>();
        for (int round = -1; round < rounds; round++) { // round -1 warms every path up, not counted
            for (NodeConfig.Verify v : fetchers.keySet()) {
                Map<Long, Sample> t0 = samples();
                long start = System.nanoTime();
                fetchers.get(v).post(new Command.Fetch(NAME));
                NodeEvent e = outcomes.get(v).poll(2, TimeUnit.MINUTES);
                long nanos = System.nanoTime() - start;
                Map<Long, Sample> t1 = samples();
                if (!(e instanceof NodeEvent.DownloadFinished f)) {
                    throw new IllegalStateException(v + ": " + e);
                }
                Files.delete(f.file());
                if (round < 0) {
                    continue;
                }
                double gib = size / (double) (1L << 30);
                rates.computeIfAbsent(v, k -> new ArrayList<>()).add(size / (1 << 20) / (nanos / 1e9));
                Map<String, Sample> sum = new TreeMap<>();
                for (Map.Entry<Long, Sample> s : t1.entrySet()) {
                    Sample b = t0.get(s.getKey());
                    Sample d = b == null ? s.getValue() : s.getValue().minus(b);
                    String role = roles.getOrDefault(s.getKey(), comm(s.getKey()).replaceAll("[0-9]+$", "#"));
                    sum.merge(role, d, Sample::plus);
                }
                Map<String, List<Sample>> per = perThread.computeIfAbsent(v, k -> new TreeMap<>());
                sum.forEach((role, s) -> per.computeIfAbsent(role, k -> new ArrayList<>()).add(s.per(gib)));
                System.out.printf("round %d %-16s %7.1f MiB/s  (load %s)%n", round, v, size / (1 << 20) / (nanos / 1e9),
                        Files.readString(Path.of("/proc/loadavg")).trim());
            }
        }
        double base = median(rates.get(NodeConfig.Verify.OFF));
        for (NodeConfig.Verify v : rates.keySet()) {
            double m = median(rates.get(v));
            System.out.printf("%n%s: median %.1f MiB/s (%.2fx OFF); per GiB, medians over %d rounds:%n", v, m, m / base, rounds);
            System.out.printf("  %-28s %8s %8s %9s %9s %9s%n", "thread", "cpu s", "user s", "runq s", "vol sw", "invol sw");
            perThread.get(v).forEach((role, list) -> {
                double c = median(list.stream().map(Sample::cpuS).toList());
                if (c < 0.005) {
                    return;
                }
                System.out.printf("  %-28s %8.3f %8.3f %9.3f %9.0f %9.0f%n", role, c,
                        median(list.stream().map(Sample::userS).toList()),
                        median(list.stream().map(Sample::runqS).toList()),
                        median(list.stream().map(s -> (double) s.vol).toList()),
                        median(list.stream().map(s -> (double) s.invol).toList()));
            });
        }
        for (Node n : fetchers.values()) {
            n.close();
        }
        server.close();
        BenchFiles.delete(served);
        for (Path s : sinks) {
            BenchFiles.delete(s);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The threads started since {@code before}, named after the node they belong to. */
    private static void name(Map<Long, String> roles, Set<Long> before, String node) throws IOException {
        for (long tid : tids()) {
            if (!before.contains(tid) && !roles.containsKey(tid)) {
                String c = comm(tid);
                if (c.startsWith("p2p-")) {
                    roles.put(tid, node + " " + c.substring(4).split(" ")[0]);
                }
            }
        }
    }

    private static Set<Long> tids() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return new TreeSet<>(s.map(p -> Long.parseLong(p.getFileName().toString())).toList());
        }
    }

    private static String comm(long tid) {
        try {
            return Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).trim();
        } catch (IOException e) {
            return "gone";
        }
    }

    private static Map<Long, Sample> samples() throws IOException {
        Map<Long, Sample> out = new TreeMap<>();
        for (long tid : tids()) {
            try {
                Path dir = Path.of("/proc/self/task/" + tid);
                String stat = Files.readString(dir.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                String[] sched = Files.readString(dir.resolve("schedstat")).trim().split(" ");
                long vol = 0;
                long invol = 0;
                for (String line : Files.readAllLines(dir.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        vol = Long.parseLong(line.split("\\s+")[1]);
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        invol = Long.parseLong(line.split("\\s+")[1]);
                    }
                }
                out.put(tid, new Sample(Long.parseLong(sched[0]) / 1e9, Long.parseLong(f[11]) / HZ,
                        Long.parseLong(sched[1]) / 1e9, vol, invol));
            } catch (IOException | RuntimeException e) {
                // the thread ended between the listing and the reads
            }
        }
        return out;
    }
}
