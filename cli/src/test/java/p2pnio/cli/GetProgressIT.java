package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p2pnio.testkit.TestFiles;
import p2pnio.testkit.ReferencePeer;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code p2p get} tells a person what is happening: on a terminal (a real pseudo-terminal, through
 * {@link Tmux}) standard error shows what it waits for and then a progress bar that is redrawn in
 * place and erased at the end; {@code --quiet} silences it; in a pipe there is no bar unless
 * {@code --progress} forces one, redrawn with carriage returns.
 */
class GetProgressIT {

    private static final Pattern BAR = Pattern.compile(
            "slow\\.bin \\[#*\\.+\\] +\\d+%  [0-9.]+ [KM]?i?B / 3\\.0 MiB  [0-9.]+ [KM]?i?B/s  (ETA [0-9.]+ s|stalled)  from 127\\.0\\.0\\.1:\\d+");

    @TempDir
    Path tmp;

    private ReferencePeer peer;
    private Path slow;

    @BeforeEach
    void aPeerThatSendsAtOneMibPerSecond() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Files.createDirectories(tmp.resolve("mine"));
        slow = TestFiles.random(theirs.resolve("slow.bin"), 3 * 1024 * 1024, 11);
        peer = new ReferencePeer(theirs, 1024 * 1024);
    }

    @AfterEach
    void stop() throws Exception {
        peer.close();
    }

    private String getCommand(String... extra) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "env -u P2P_FOLDER -u P2P_CLUSTER -u P2P_PORT " + java + " -jar " + Jar.path() + " get slow.bin --folder mine --peer "
                + peer.address() + " " + String.join(" ", extra) + "; echo EXIT=$?; sleep 60";
    }

    @Test
    void onATerminalItSaysWhatItWaitsForThenRedrawsOneBarInPlaceAndErasesIt() throws Exception {
        assumeThat(Tmux.available()).as("tmux is installed").isTrue();
        try (Tmux tmux = new Tmux()) {
            tmux.start(tmp, getCommand());

            tmux.awaitScreen("asked 1 peer for slow.bin");
            tmux.awaitScreen(peer.address() + " has slow.bin (tcp port ");
            String first = tmux.awaitScreenMatching(BAR);
            String later = tmux.awaitScreenMatching(Pattern.compile("slow\\.bin \\[#{4,}"));
            assertThat(first.lines().filter(l -> BAR.matcher(l).find())).as("one bar line:\n" + first).hasSize(1);
            assertThat(later.lines().filter(l -> l.contains("slow.bin ["))).as("redrawn in place:\n" + later).hasSize(1);

            String end = tmux.awaitScreen("EXIT=0");
            assertThat(end).contains("saved " + tmp.resolve("mine/slow.bin")).doesNotContain("ETA", "slow.bin [");
            assertThat(TestFiles.sha256(tmp.resolve("mine/slow.bin"))).isEqualTo(TestFiles.sha256(slow));
        }
    }

    @Test
    void quietShowsOnlyTheResultEvenOnATerminal() throws Exception {
        assumeThat(Tmux.available()).as("tmux is installed").isTrue();
        try (Tmux tmux = new Tmux()) {
            tmux.start(tmp, getCommand("--quiet"));

            String end = tmux.awaitScreen("EXIT=0");

            assertThat(end).contains("saved ").doesNotContain("asked", "ETA", "[#", "[.");
        }
    }

    @Test
    void inAPipeThereIsNoBarUnlessProgressForcesOneRedrawnWithCarriageReturns() throws Exception {
        Jar.Result plain = Jar.runApart(tmp, Map.of(), Duration.ofSeconds(60), "get", "slow.bin", "--folder", "mine",
                "--peer", peer.address());
        assertThat(plain.exit()).isZero();
        assertThat(plain.output()).startsWith("saved ");
        assertThat(plain.rawErr()).as("nothing on stderr").isEmpty();

        Files.delete(tmp.resolve("mine/slow.bin"));
        Jar.Result forced = Jar.runApart(tmp, Map.of(), Duration.ofSeconds(60), "get", "slow.bin", "--folder", "mine",
                "--peer", peer.address(), "--progress");
        String err = new String(forced.rawErr(), StandardCharsets.UTF_8);
        assertThat(forced.exit()).isZero();
        assertThat(forced.output()).startsWith("saved ");
        assertThat(err).contains("asked 1 peer for slow.bin").containsPattern(BAR);
        assertThat(err.split("\r").length).as("redrawn with carriage returns:\n" + err).isGreaterThan(4);
        assertThat(err).as("no cursor movement in a pipe").doesNotContain("\u001b");
    }
}
