package p2pnio.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import p2pnio.testkit.OutputLines;
import p2pnio.testkit.TestFiles;

/**
 * The demo's walkthrough without a person ({@code make demo-check}): three real p2p.jar shells in
 * piped mode, each seeded with one other node only, wait until discovery has told every node
 * about the other two; then every node downloads the other two nodes' hello files and one large
 * file, the digests are compared with the originals, and a short report is printed.
 *
 * <p>The nodes work on copies of demo/node1..3 under demo/run/check (hard links for the large
 * files) on free ports, so a running {@code make demo} is left alone and the demo folders stay
 * clean. It needs only the JDK and the shared test kit, so it runs straight from source:
 * {@code java -cp testkit/target/classes DemoCheck.java JAR DEMO_DIR} ({@code make demo-check}).
 * Exits 0 when every file arrived intact, 1 otherwise.
 */
public final class DemoCheck {

    private static final Duration STEP = Duration.ofMinutes(2);
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
        TestFiles.deleteTree(work);
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
                            && TestFiles.sha256(fetched).equals(TestFiles.sha256(original));
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
            TestFiles.deleteTree(work);
        }
    }

    /** One p2p.jar shell in piped mode, its output collected line by line. */
    private static final class Node {
        final int number;
        final Path folder;
        final Process process;
        final OutputLines lines;
        final List<String> wanted = new ArrayList<>();
        final java.util.Map<String, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        String address;

        private Node(int number, Path folder, Process process) {
            this.number = number;
            this.folder = folder;
            this.process = process;
            this.lines = OutputLines.collect(process.getInputStream(), "node" + number);
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
            Matcher banner = BANNER.matcher(node.lines.await(l -> BANNER.matcher(l).find(), STEP));
            banner.find();
            node.address = banner.group(1);
            return node;
        }

        void send(String command) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        void awaitPeers(Set<String> peers) throws InterruptedException {
            for (String peer : peers) {
                lines.await(l -> JOINED.matcher(l).find() && l.startsWith("peer " + peer + " "), STEP);
            }
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
            } catch (IOException | InterruptedException | AssertionError e) {
                System.err.println("demo-check: node" + number + ": " + e.getMessage());
            }
        }

        /** How many outcomes for {@code name} the node has printed so far. */
        int outcomeCount(String name) {
            return lines.count(l -> isOutcome(l, name));
        }

        /** Waits for the outcome of {@code name} that follows the first {@code skip} ones. */
        String awaitOutcome(String name, int skip) throws InterruptedException {
            return lines.awaitCount(l -> isOutcome(l, name), skip + 1, STEP).get(skip);
        }

        private static boolean isOutcome(String line, String name) {
            Matcher f = FINISHED.matcher(line);
            Matcher x = FAILED.matcher(line);
            return f.find() && f.group(1).equals(name) || x.find() && x.group(1).equals(name);
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
}
