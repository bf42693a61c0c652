package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * p2p.jar as a real process for end-to-end tests: its output lines collected as they come (split
 * at {@code \n} only, so a raw {@code \r} stays visible to the test), its raw bytes kept, and
 * waits that poll with a deadline instead of sleeping. Standard error is merged into standard
 * output unless the test asks for them apart.
 */
final class Jar implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("serving udp=(\\S+) tcp=(\\S+)");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final ByteArrayOutputStream rawErr = new ByteArrayOutputStream();
    private final List<Thread> readers = new ArrayList<>();

    private Jar(Process process, boolean apart) {
        this.process = process;
        readers.add(new Thread(() -> collect(process.getInputStream(), raw, true), "jar-output"));
        if (apart) {
            readers.add(new Thread(() -> collect(process.getErrorStream(), rawErr, false), "jar-errors"));
        }
        for (Thread t : readers) {
            t.setDaemon(true);
            t.start();
        }
    }

    /** The packaged jar failsafe hands us. */
    static Path path() {
        String jar = System.getProperty("p2p.jar");
        assertThat(jar).as("system property p2p.jar (set by failsafe)").isNotNull();
        return Path.of(jar);
    }

    /** Starts {@code java -jar p2p.jar args} in {@code dir}, with {@code env} added, stderr merged into stdout. */
    static Jar start(Path dir, Map<String, String> env, String... args) throws IOException {
        return start(dir, env, false, args);
    }

    /** Starts p2p.jar; with {@code apart}, stderr is kept apart from stdout ({@link #rawErr()}). */
    static Jar start(Path dir, Map<String, String> env, boolean apart, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Duser.home=" + dir, "-jar", path().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(!apart);
        pb.environment().keySet().removeIf(k -> k.startsWith("P2P_"));
        pb.environment().putAll(env);
        return new Jar(pb.start(), apart);
    }

    /** Runs p2p.jar to its end (at most {@code timeout}) and returns its exit status and output. */
    static Result run(Path dir, Map<String, String> env, Duration timeout, String... args) throws Exception {
        return runWithInput(dir, env, timeout, "", args);
    }

    /** Runs p2p.jar with {@code input} as its standard input, to its end. */
    static Result runWithInput(Path dir, Map<String, String> env, Duration timeout, String input, String... args)
            throws Exception {
        return run(dir, env, timeout, input, false, args);
    }

    /** Runs p2p.jar to its end with stdout and stderr apart: {@link Result#output()} is stdout only. */
    static Result runApart(Path dir, Map<String, String> env, Duration timeout, String... args) throws Exception {
        return run(dir, env, timeout, "", true, args);
    }

    private static Result run(Path dir, Map<String, String> env, Duration timeout, String input, boolean apart,
                              String... args) throws Exception {
        try (Jar jar = start(dir, env, apart, args)) {
            try (OutputStream in = jar.process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(jar.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .as("p2p.jar %s ended within %s", List.of(args), timeout).isTrue();
            jar.awaitOutputEnd();
            return new Result(jar.process.exitValue(), jar.output(), jar.raw(), jar.rawErr());
        }
    }

    /**
     * The exit status, everything printed as lines, and the raw bytes of stdout (with stderr
     * merged in unless kept apart) and of stderr when apart.
     */
    record Result(int exit, String output, byte[] raw, byte[] rawErr) { }

    /** Starts {@code serve} and waits for its ready line; returns the node's UDP address through {@link #udp()}. */
    static Jar serve(Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("serve", "--port", "0", "--delay", "0"));
        all.addAll(List.of(args));
        Jar jar = start(dir, Map.of(), all.toArray(String[]::new));
        jar.awaitLine(l -> SERVING.matcher(l).find(), Duration.ofSeconds(20));
        return jar;
    }

    /** The UDP control address from the ready line. */
    String udp() {
        return ready().group(1);
    }

    /** The TCP transfer address from the ready line. */
    String tcp() {
        return ready().group(2);
    }

    private Matcher ready() {
        for (String l : snapshot()) {
            Matcher m = SERVING.matcher(l);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no ready line in: " + output());
    }

    /** Writes to the process's standard input. */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    Process process() {
        return process;
    }

    private void collect(InputStream from, ByteArrayOutputStream keep, boolean asLines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (from) {
            for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                synchronized (lines) {
                    keep.write(buf, 0, n);
                    for (int i = 0; i < n && asLines; i++) {
                        if (buf[i] == '\n') {
                            lines.add(line.toString(StandardCharsets.UTF_8));
                            line.reset();
                        } else {
                            line.write(buf[i]);
                        }
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            synchronized (lines) {
                if (asLines) {
                    if (line.size() > 0) {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                    }
                    lines.add(null);
                }
                lines.notifyAll();
            }
        }
    }

    /** Every byte of standard output so far (with standard error, unless apart). */
    byte[] raw() {
        synchronized (lines) {
            return raw.toByteArray();
        }
    }

    /** Every byte of standard error so far, when kept apart. */
    byte[] rawErr() {
        synchronized (lines) {
            return rawErr.toByteArray();
        }
    }

    private List<String> snapshot() {
        synchronized (lines) {
            return lines.stream().filter(l -> l != null).toList();
        }
    }

    /** Everything printed so far. */
    String output() {
        return String.join("\n", snapshot());
    }

    /** Waits for a line that matches; fails with the output so far after {@code timeout}. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String l = lines.get(seen);
                    if (l != null && match.test(l)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!lines.isEmpty() && lines.get(lines.size() - 1) == null)) {
                    throw new AssertionError("no matching line within " + timeout + "; output:\n" + output());
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private void awaitOutputEnd() throws InterruptedException {
        for (Thread t : readers) {
            t.join(10_000);
        }
    }

    /** Sends SIGTERM and waits for the end; returns the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output.
        process.toHandle().destroy();
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("ended after SIGTERM").isTrue();
        awaitOutputEnd();
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
