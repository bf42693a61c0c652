package p2pnio.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;

/**
 * The proof of ranged downloads (issue #12), a scripted measurement rather than a JMH benchmark
 * (each download takes seconds and the three cases must run side by side): three serving nodes,
 * each limited to {@code --rate} bytes per second of uploads, share one file of {@code --size}
 * bytes; one downloading node fetches it (1) from one of them, (2) from all three at once, (3) from
 * all three while one of them is stopped when half the file is in. Each case runs {@code --rounds}
 * times, interleaved; the medians and their ratios go to {@code --out} (a properties file that
 * {@code p2pnio.bench.report.Report --multisource} turns into a section of BENCHMARKS.md).
 *
 * <p>All nodes run in this one process on loopback, each with its own selector thread; "stopped"
 * is {@code Node.close()}: its sockets close as a killed process's would (the downloader sees the
 * connection end, and the node's port refuses from then on). The single-source case goes through
 * the same code (a swarm of one source), so the ratio compares like with like.
 */
public final class MultiSource {

    /** Bytes per piece, 0 for the node's default. */
    private static long piece;

    private MultiSource() {
    }

    /** {@code --out <file> [--size 300M] [--rate 20M] [--rounds 1] [--piece 4M] [--dir <tmp>]}. */
    public static void main(String[] args) throws Exception {
        Path out = null;
        long size = 300L << 20;
        long rate = 20L << 20;
        int rounds = 1;
        Path dir = null;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[i + 1]);
                case "--size" -> size = bytes(args[i + 1]);
                case "--rate" -> rate = bytes(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--piece" -> piece = bytes(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out <file> is required");
        }
        Path root = dir == null ? Files.createTempDirectory("p2p-multisource") : Files.createDirectories(dir);
        try {
            run(root, size, rate, rounds, out);
        } finally {
            deleteTree(root);
        }
    }

    private static void run(Path root, long size, long rate, int rounds, Path out) throws Exception {
        Path original = root.resolve("original.bin");
        String sha256 = write(original, size);
        List<Double> single = new ArrayList<>();
        List<Double> three = new ArrayList<>();
        List<Double> killed = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            single.add(once(root, original, sha256, size, rate, 1, false, r));
            three.add(once(root, original, sha256, size, rate, 3, false, r));
            killed.add(once(root, original, sha256, size, rate, 3, true, r));
        }
        Properties p = new Properties();
        p.setProperty("date", Instant.now().toString());
        p.setProperty("command", "make bench-multisource");
        p.setProperty("size", Long.toString(size));
        p.setProperty("rate", Long.toString(rate));
        p.setProperty("rounds", Integer.toString(rounds));
        p.setProperty("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.setProperty("single.seconds", join(single));
        p.setProperty("three.seconds", join(three));
        p.setProperty("killed.seconds", join(killed));
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(out)) {
            p.store(w, "p2pnio.bench.MultiSource: seconds per download, one value per round");
        }
        System.out.printf(Locale.ROOT, "single %s s, three %s s, three with one stopped halfway %s s -> %s%n",
                join(single), join(three), join(killed), out);
    }

    /** One download of the file from {@code sources} nodes; returns its seconds. */
    private static double once(Path root, Path original, String sha256, long size, long rate, int sources,
                               boolean stopOne, int round) throws Exception {
        String tag = sources + (stopOne ? "k" : "") + "-r" + round;
        List<Node> servers = new ArrayList<>();
        Node client = null;
        try {
            for (int i = 0; i < sources; i++) {
                Path folder = Files.createDirectories(root.resolve("server" + i + "-" + tag));
                Files.createLink(folder.resolve("file.bin"), original);
                servers.add(Node.start(config(folder).maxUploadRate(rate).build(), e -> { }));
            }
            Path folder = Files.createDirectories(root.resolve("client-" + tag));
            CompletableFuture<NodeEvent> outcome = new CompletableFuture<>();
            CompletableFuture<Void> half = new CompletableFuture<>();
            client = Node.start(config(folder).build(), e -> {
                if (e instanceof NodeEvent.DownloadFinished || e instanceof NodeEvent.DownloadFailed) {
                    outcome.complete(e);
                } else if (e instanceof NodeEvent.DownloadProgress pr && pr.received() >= size / 2) {
                    half.complete(null);
                }
            });
            List<InetSocketAddress> from = servers.stream().map(Node::transferAddress).toList();
            long start = System.nanoTime();
            client.post(new Command.FetchFrom("file.bin", size, sha256, from, piece));
            if (stopOne) {
                half.get(10, TimeUnit.MINUTES);
                servers.get(servers.size() - 1).close();
            }
            NodeEvent end = outcome.get(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!(end instanceof NodeEvent.DownloadFinished f)) {
                throw new IllegalStateException(tag + ": " + end);
            }
            Files.delete(f.file());
            System.out.printf(Locale.ROOT, "%s: %.2f s (%.1f MiB/s)%n", tag, seconds, size / seconds / (1 << 20));
            return seconds;
        } finally {
            if (client != null) {
                client.close();
            }
            for (Node s : servers) {
                s.close();
            }
        }
    }

    private static NodeConfig.Builder config(Path folder) {
        return NodeConfig.builder().host("127.0.0.1").port(0).folder(folder).period(Duration.ofHours(1))
                .idleTimeout(Duration.ofSeconds(30));
    }

    /** Writes {@code size} pseudo-random bytes; returns their SHA-256. */
    private static String write(Path file, long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random random = new Random(12);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(left, chunk.length);
                o.write(chunk, 0, n);
                md.update(chunk, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static long bytes(String s) {
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long scale = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(scale == 1 ? s : s.substring(0, s.length() - 1)) * scale;
    }

    private static String join(List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return b.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
