package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;

/**
 * The JLine shell driven through a real pseudo-terminal: tmux runs p2p.jar in a detached pane,
 * {@code send-keys} types, {@code capture-pane} reads the screen. Each step polls the screen
 * with a deadline.
 */
class TerminalShellIT {

    private static final Duration STEP = Duration.ofSeconds(45);

    @TempDir
    Path tmp;

    private final String socket = "p2p-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void killTmux() throws Exception {
        tmux("kill-server");
    }

    @Test
    void aPersonCanStartTheShellListPeersDownloadWithProgressAndQuit() throws Exception {
        assumeThat(hasTmux()).as("tmux is installed").isTrue();
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Path slow = TestFiles.random(theirs.resolve("slow.bin"), 3 * 1024 * 1024, 11);
        try (ReferencePeer peer = new ReferencePeer(theirs, 1024 * 1024)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            tmux("new-session", "-d", "-s", "shell", "-x", "150", "-y", "40", "-c", tmp.toString(),
                    "env -u P2P_FOLDER -u P2P_CLUSTER -u P2P_PORT " + java + " -Duser.home=" + tmp + " -jar " + Jar.path()
                            + " --port 0 --delay 0; echo EXIT=$?; sleep 60");

            awaitScreen("Shared folder [shared]:");
            keys("mine", "Enter");
            awaitScreen("does not exist. Create it? [Y/n]");
            keys("Enter");
            awaitScreen("Peer 1:");
            keys("nonsense", "Enter");
            awaitScreen("'nonsense' has no port (expected host:port)");
            keys(peer.address(), "Enter");
            awaitScreen("Peer 2:");
            keys("Enter");
            String banner = awaitScreen("Type help.");
            Matcher self = Pattern.compile("p2p-nio node (127\\.0\\.0\\.1:(\\d+)) \\(udp\\)").matcher(banner);
            assertThat(self.find()).as(banner).isTrue();
            assertThat(Files.isDirectory(tmp.resolve("mine"))).as("folder created on request").isTrue();

            keys("list", "Enter");
            awaitScreen(peer.address() + "  configured");

            keys("get slow.bin", "Enter");
            // A live progress line while the download runs: it is redrawn with a larger percentage
            // before the download ends (the peer sends 1 MiB/s), or the wait fails.
            Pattern bar = Pattern.compile("slow\\.bin \\[#*\\.+\\] +(\\d+)%  .* / 3\\.0 MiB  .*/s  ETA ");
            int first = Integer.parseInt(awaitMatch(bar, m -> true).group(1));
            awaitMatch(bar, m -> Integer.parseInt(m.group(1)) > first);
            awaitScreenMatching(Pattern.compile("finished slow\\.bin: 3\\.0 MiB in .* from " + Pattern.quote(peer.address())));
            assertThat(TestFiles.sha256(tmp.resolve("mine/slow.bin"))).isEqualTo(TestFiles.sha256(slow));
            awaitScreenWithout("ETA");

            keys("transf");
            peer.send("DISCOVER,127.0.0.1:9\n", new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(self.group(2))));
            String screen = awaitScreen("peer 127.0.0.1:9 joined (learned from " + peer.address() + ")");
            assertThat(lastLine(screen)).as("the half-typed command stays intact below the event")
                    .isEqualTo("p2p " + self.group(1) + "> transf");
            keys("ers", "Enter");
            awaitScreenMatching(Pattern.compile("download +slow\\.bin +" + Pattern.quote(peer.address()) + " .* 100% .* DONE"));

            keys("half a thought", "C-c");
            // the hint is printed above, then the prompt is redrawn: wait for both, then look at the line
            Matcher redrawn = awaitMatch(Pattern.compile(Pattern.quote("(Ctrl-C again or quit to leave)")
                    + "\\s*\\n(" + Pattern.quote("p2p " + self.group(1) + ">") + ".*?)\\s*$"), m -> true);
            assertThat(redrawn.group(1)).as("Ctrl-C clears the line").isEqualTo("p2p " + self.group(1) + ">");

            keys("quit", "Enter");
            awaitScreen("EXIT=0");
        }
    }

    private static String lastLine(String screen) {
        List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1).stripTrailing();
    }

    private String awaitScreen(String text) throws Exception {
        return awaitScreenMatching(Pattern.compile(Pattern.quote(text)));
    }

    private String awaitScreenMatching(Pattern pattern) throws Exception {
        return awaitScreen(pattern, m -> true);
    }

    private Matcher awaitMatch(Pattern pattern, Predicate<Matcher> also) throws Exception {
        return match(awaitScreen(pattern, also), pattern, also);
    }

    /** The first match of {@code pattern} on {@code screen} for which {@code also} holds, or null. */
    private static Matcher match(String screen, Pattern pattern, Predicate<Matcher> also) {
        Matcher m = pattern.matcher(screen);
        while (m.find()) {
            if (also.test(m)) {
                return m;
            }
        }
        return null;
    }

    /** Polls the screen until {@code pattern} is found on it and {@code also} holds for the match; returns the screen. */
    private String awaitScreen(Pattern pattern, Predicate<Matcher> also) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-t", "shell");
            if (match(screen, pattern, also) != null) {
                return screen;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("screen never showed /" + pattern + "/ within " + STEP + "; it shows:\n" + screen);
    }

    private void awaitScreenWithout(String text) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = tmux("capture-pane", "-p", "-t", "shell");
            if (!screen.contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("screen still shows '" + text + "' after " + STEP + ":\n" + screen);
    }

    private void keys(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "shell"));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static boolean hasTmux() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
