package p2pnio.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's walkthrough without a person ({@code make demo-check}): three real p2p.jar shells in
 * piped mode, each seeded with one other node only, wait until discovery has told every node
 * about the other two; then every node downloads the other two nodes' hello files and one large
 * file, the digests are compared with the originals, and a short report is printed.
 *
 * <p>The nodes work on copies of demo/node1..3 under demo/run/check (hard links for the large
 * files) on free ports, so a running {@code make demo} is left alone and the demo folders stay
 * clean. JDK only, so it runs straight from source: {@code java DemoCheck.java JAR DEMO_DIR}.
 * Exits 0 when every file arrived intact, 1 otherwise.
 */
public final class DemoCheck {

    private static final long STEP_MILLIS = 120_000;
    private static final Pattern BANNER = Pattern.compile("^node udp=(\\S+) ");
    private static final Pattern JOINED = Pattern.compile("^peer (\\S+) joined");
    private static final Pattern FINISHED = Pattern.compile("^finished (\\S+): (.*)$");
    private static final Pattern FAILED = Pattern.compile("^failed (\\S+): (.*)$");

    private DemoCheck() {
    }

    /** {@code args}: the path of p2p.jar and of the demo folder. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java DemoCheck.java path/to/p2p.jar path/to/demo");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path demo = Path.of(args[1]).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            System.err.println("demo-check: no " + jar + " (build it with: make build)");
            System.exit(2);
        }
        System.exit(new DemoCheck().run(jar, demo) ? 0 : 1);
    }

    private boolean run(Path jar, Path demo) throws Exception {
        long started = System.nanoTime();
        Path work = demo.resolve("run/check");
        deleteTree(work);
        List<Node> nodes = new ArrayList<>();
        try {
            for (int n = 1; n <= 3; n++) {
                Path copy = copyFolder(demo.resolve("node" + n), work.resolve("node" + n));
                String seed = n == 1 ? null : nodes.get(n - 2).address;
                nodes.add(Node.start(n, jar, copy, seed));
            }
            Set<String> all = new LinkedHashSet<>();
            nodes.forEach(node -> all.add(node.address));
            for (Node node : nodes) {
                Set<String> others = new LinkedHashSet<>(all);
                others.remove(node.address);
                node.awaitPeers(others);
            }
            System.out.printf(Locale.ROOT, "demo-check: 3 nodes (%s) know each other after %.1f s%n",
                    String.join(", ", all), (System.nanoTime() - started) / 1e9);

            // The nodes fetch at the same time; each node asks for one file at a time, because a
            // File answer names no file: with several requests waiting, an answer from node 3
            // could be taken for the file node 2 has (PROTOCOL.md, section 3).
            List<Thread> fetchers = new ArrayList<>();
            for (Node node : nodes) {
                int a = node.number % 3 + 1;
                int b = (node.number + 1) % 3 + 1;
                node.wanted.addAll(List.of("hello-from-node" + a + ".txt", "hello-from-node" + b + ".txt",
                        "big-node" + a + ".bin"));
                Thread t = new Thread(node::fetchAll, "node" + node.number + "-fetch");
                t.start();
                fetchers.add(t);
            }
            for (Thread t : fetchers) {
                t.join();
            }
            boolean ok = true;
            List<String> report = new ArrayList<>();
            for (Node node : nodes) {
                for (String name : node.wanted) {
                    String outcome = node.outcomes.getOrDefault(name, "failed " + name + ": no outcome");
                    Path original = demo.resolve("node" + name.replaceAll("\\D", "").charAt(0)).resolve(name);
                    Path fetched = node.folder.resolve(name);
                    boolean intact = outcome.startsWith("finished") && Files.isRegularFile(fetched)
                            && digest(fetched).equals(digest(original));
                    ok &= intact;
                    report.add(String.format(Locale.ROOT, "  node%d <- %-22s %s  %s", node.number, name,
                            intact ? "digest ok " : "BAD       ", outcome.replaceFirst("^\\S+ \\S+: ", "")));
                }
            }
            System.out.println("demo-check: every node fetched the other two nodes' hello files and one large file");
            report.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "demo-check: %s in %.1f s%n", ok ? "PASSED" : "FAILED",
                    (System.nanoTime() - started) / 1e9);
            return ok;
        } finally {
            for (Node node : nodes) {
                node.quit();
            }
            deleteTree(work);
        }
    }

    /** One p2p.jar shell in piped mode, its output collected line by line. */
    private static final class Node {
        final int number;
        final Path folder;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final List<String> wanted = new ArrayList<>();
        final java.util.Map<String, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        String address;

        private Node(int number, Path folder, Process process) {
            this.number = number;
            this.folder = folder;
            this.process = process;
        }

        static Node start(int number, Path jar, Path folder, String seed) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toString(), "--plain", "--folder", folder.toString(), "--port", "0",
                    "--period", "0.5", "--delay", "0"));
            if (seed != null) {
                cmd.addAll(List.of("--peer", seed));
            }
            // in the work folder, where no config.yml can change the settings
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(folder.getParent().toFile()).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("P2P_"));
            Node node = new Node(number, folder, pb.start());
            Thread reader = new Thread(node::collect, "node" + number + "-output");
            reader.setDaemon(true);
            reader.start();
            Matcher banner = BANNER.matcher(node.await(l -> BANNER.matcher(l).find(), "its start-up line"));
            banner.find();
            node.address = banner.group(1);
            return node;
        }

        private void collect() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    synchronized (lines) {
                        lines.add(l);
                        lines.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        void send(String command) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void awaitPeers(Set<String> peers) throws InterruptedException {
            await(l -> {
                Set<String> joined = new LinkedHashSet<>();
                for (String line : lines) {
                    Matcher m = JOINED.matcher(line);
                    if (m.find()) {
                        joined.add(m.group(1));
                    }
                }
                return joined.containsAll(peers);
            }, "peers " + peers);
        }

        /** Asks for each wanted file in turn and keeps how it ended. */
        void fetchAll() {
            try {
                for (String name : wanted) {
                    // A late File from a peer that also had the previous file may be taken as the
                    // answer to this request (PROTOCOL.md, section 3): that peer then closes without
                    // a header, and the node waits again for the right answer on its own.
                    int seen = outcomeCount(name);
                    send("get " + name);
                    outcomes.put(name, awaitOutcome(name, seen));
                }
            } catch (IOException | InterruptedException | IllegalStateException e) {
                System.err.println("demo-check: node" + number + ": " + e.getMessage());
            }
        }

        /** How many outcomes for {@code name} the node has printed so far. */
        int outcomeCount(String name) {
            synchronized (lines) {
                return (int) lines.stream().filter(l -> isOutcome(l, name)).count();
            }
        }

        /** Waits for the outcome of {@code name} that follows the first {@code skip} ones. */
        String awaitOutcome(String name, int skip) throws InterruptedException {
            await(l -> outcomeCount(name) > skip, "the outcome of " + name);
            synchronized (lines) {
                return lines.stream().filter(l -> isOutcome(l, name)).skip(skip).findFirst().orElseThrow();
            }
        }

        private static boolean isOutcome(String line, String name) {
            Matcher f = FINISHED.matcher(line);
            Matcher x = FAILED.matcher(line);
            return f.find() && f.group(1).equals(name) || x.find() && x.group(1).equals(name);
        }

        String await(java.util.function.Predicate<String> match, String what) throws InterruptedException {
            long deadline = System.currentTimeMillis() + STEP_MILLIS;
            synchronized (lines) {
                while (true) {
                    for (String l : lines) {
                        if (match.test(l)) {
                            return l;
                        }
                    }
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0 || !process.isAlive() && lines.stream().noneMatch(match)) {
                        throw new IllegalStateException("node" + number + " never showed " + what + "; its output:\n  "
                                + String.join("\n  ", lines));
                    }
                    lines.wait(Math.min(left, 200));
                }
            }
        }

        void quit() throws InterruptedException {
            try {
                send("quit");
                process.getOutputStream().close();
            } catch (IOException e) {
                // it has ended already
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Path copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path target = to.resolve(f.getFileName());
                try {
                    Files.createLink(target, f.toAbsolutePath());
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String digest(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
