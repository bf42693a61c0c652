package p2pnio.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real pseudo-terminal for end-to-end tests: tmux runs a command in a detached pane of a server
 * of its own, {@code send-keys} types, {@code capture-pane} reads the screen. Each wait polls the
 * screen with a deadline.
 */
final class Tmux implements AutoCloseable {

    /** How long one step may take on a loaded 2-core machine. */
    static final Duration STEP = Duration.ofSeconds(45);
    private String lastScreen = "";

    private final String socket = "p2p-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    /** True if tmux is installed (tests that need it are skipped otherwise). */
    static boolean available() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Starts {@code command} (a shell command line) in a 150 x 40 pane named "shell", in {@code dir}. */
    void start(Path dir, String command) throws IOException, InterruptedException {
        run("new-session", "-d", "-s", "shell", "-x", "150", "-y", "40", "-c", dir.toString(), command);
    }

    /** The screen as text (escape sequences already interpreted by tmux). */
    String screen() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-t", "shell");
    }

    /** The pane's title, which an {@code ESC ] 0;...} sequence would have set. */
    String title() throws IOException, InterruptedException {
        return run("display-message", "-p", "-t", "shell", "#{pane_title}").strip();
    }

    /** Waits until the screen shows {@code text}; returns the screen. */
    String awaitScreen(String text) throws Exception {
        return awaitScreenMatching(Pattern.compile(Pattern.quote(text)));
    }

    /** Waits until the screen matches {@code pattern}; returns the screen. */
    String awaitScreenMatching(Pattern pattern) throws Exception {
        awaitMatch(pattern, m -> true);
        return lastScreen;
    }

    /**
     * Waits until the screen holds a match of {@code pattern} for which {@code also} holds (say, a
     * percentage larger than one seen before); returns that match.
     */
    Matcher awaitMatch(Pattern pattern, Predicate<Matcher> also) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen();
            Matcher m = pattern.matcher(screen);
            while (m.find()) {
                if (also.test(m)) {
                    lastScreen = screen;
                    return m;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("screen never showed /" + pattern + "/ within " + STEP + "; it shows:\n" + screen);
    }

    /** Waits until the screen no longer shows {@code text}; returns the screen. */
    String awaitScreenWithout(String text) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen();
            if (!screen.contains(text)) {
                return screen;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("screen still shows '" + text + "' after " + STEP + ":\n" + screen);
    }

    /** Types keys ({@code "Enter"}, {@code "C-c"} and text, as tmux's send-keys takes them). */
    void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "shell"));
        args.addAll(List.of(keys));
        run(args.toArray(String[]::new));
    }

    /** The last line of a screen that is not blank. */
    static String lastLine(String screen) {
        List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1).stripTrailing();
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Ends the tmux server and whatever still runs in it. */
    @Override
    public void close() throws IOException, InterruptedException {
        run("kill-server");
    }
}
