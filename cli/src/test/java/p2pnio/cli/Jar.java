package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import p2pnio.testkit.OutputLines;

/**
 * p2p.jar as a real process for end-to-end tests: its output lines collected as they come
 * ({@link OutputLines}), and waits with a deadline instead of sleeps.
 */
final class Jar implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("serving udp=(\\S+) tcp=(\\S+)");

    private final Process process;
    private final OutputLines lines;

    private Jar(Process process) {
        this.process = process;
        this.lines = OutputLines.collect(process.getInputStream(), "p2p.jar");
    }

    /** The packaged jar failsafe hands us. */
    static Path path() {
        String jar = System.getProperty("p2p.jar");
        assertThat(jar).as("system property p2p.jar (set by failsafe)").isNotNull();
        return Path.of(jar);
    }

    /** Starts {@code java -jar p2p.jar args} in {@code dir}, with {@code env} added, stderr merged into stdout. */
    static Jar start(Path dir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Duser.home=" + dir, "-jar", path().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("P2P_"));
        pb.environment().putAll(env);
        return new Jar(pb.start());
    }

    /** Runs p2p.jar to its end (at most {@code timeout}) and returns its exit status and output. */
    static Result run(Path dir, Map<String, String> env, Duration timeout, String... args) throws Exception {
        return runWithInput(dir, env, timeout, "", args);
    }

    /** Runs p2p.jar with {@code input} as its standard input, to its end. */
    static Result runWithInput(Path dir, Map<String, String> env, Duration timeout, String input, String... args)
            throws Exception {
        try (Jar jar = start(dir, env, args)) {
            try (OutputStream in = jar.process.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(jar.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .as("p2p.jar %s ended within %s", List.of(args), timeout).isTrue();
            jar.lines.awaitEnd(Duration.ofSeconds(10));
            return new Result(jar.process.exitValue(), jar.output());
        }
    }

    /** The exit status and everything printed. */
    record Result(int exit, String output) { }

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
        for (String l : lines.snapshot()) {
            Matcher m = SERVING.matcher(l);
            if (m.find()) {
                return m.group(1);
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

    /** Everything printed so far. */
    String output() {
        return lines.text();
    }

    /** Waits for a line that matches; fails with the output so far after {@code timeout} or when the output ends. */
    String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        return lines.await(match, timeout);
    }

    /** Sends SIGTERM and waits for the end; returns the exit status. */
    int terminate(Duration timeout) throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output.
        process.toHandle().destroy();
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("ended after SIGTERM").isTrue();
        lines.awaitEnd(Duration.ofSeconds(10));
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
