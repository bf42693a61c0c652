package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;

/** The JLine shell driven through a real pseudo-terminal ({@link Tmux}). */
class TerminalShellIT {

    @TempDir
    Path tmp;

    private final Tmux tmux = new Tmux();

    @AfterEach
    void killTmux() throws Exception {
        tmux.close();
    }

    @Test
    void aPersonCanStartTheShellListPeersDownloadWithProgressAndQuit() throws Exception {
        assumeThat(Tmux.available()).as("tmux is installed").isTrue();
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Path slow = TestFiles.random(theirs.resolve("slow.bin"), 3 * 1024 * 1024, 11);
        try (ReferencePeer peer = new ReferencePeer(theirs, 1024 * 1024)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            tmux.start(tmp, "env -u P2P_FOLDER -u P2P_CLUSTER -u P2P_PORT " + java + " -Duser.home=" + tmp + " -jar " + Jar.path()
                    + " --port 0 --delay 0; echo EXIT=$?; sleep 60");

            tmux.awaitScreen("Shared folder [shared]:");
            tmux.keys("mine", "Enter");
            tmux.awaitScreen("does not exist. Create it? [Y/n]");
            tmux.keys("Enter");
            tmux.awaitScreen("Peer 1:");
            tmux.keys("nonsense", "Enter");
            tmux.awaitScreen("'nonsense' has no port (expected host:port)");
            tmux.keys(peer.address(), "Enter");
            tmux.awaitScreen("Peer 2:");
            tmux.keys("Enter");
            String banner = tmux.awaitScreen("Type help.");
            Matcher self = Pattern.compile("p2p-nio node (127\\.0\\.0\\.1:(\\d+)) \\(udp\\)").matcher(banner);
            assertThat(self.find()).as(banner).isTrue();
            assertThat(Files.isDirectory(tmp.resolve("mine"))).as("folder created on request").isTrue();

            tmux.keys("list", "Enter");
            tmux.awaitScreen(peer.address() + "  configured");

            tmux.keys("get slow.bin", "Enter");
            // A live progress line while the download runs: it is redrawn with a larger percentage
            // before the download ends (the peer sends 1 MiB/s), or the wait fails.
            Pattern bar = Pattern.compile("slow\\.bin \\[#*\\.+\\] +(\\d+)%  .* / 3\\.0 MiB  .*/s  ETA .*  from "
                    + Pattern.quote(peer.address()));
            int first = Integer.parseInt(tmux.awaitMatch(bar, m -> true).group(1));
            tmux.awaitMatch(bar, m -> Integer.parseInt(m.group(1)) > first);
            tmux.awaitScreenMatching(Pattern.compile("finished slow\\.bin: 3\\.0 MiB in .* from " + Pattern.quote(peer.address())));
            assertThat(TestFiles.sha256(tmp.resolve("mine/slow.bin"))).isEqualTo(TestFiles.sha256(slow));
            tmux.awaitScreenWithout("ETA");

            tmux.keys("transf");
            peer.send("DISCOVER,127.0.0.1:9\n", new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(self.group(2))));
            String screen = tmux.awaitScreen("peer 127.0.0.1:9 joined (learned from " + peer.address() + ")");
            assertThat(Tmux.lastLine(screen)).as("the half-typed command stays intact below the event")
                    .isEqualTo("p2p " + self.group(1) + "> transf");
            tmux.keys("ers", "Enter");
            tmux.awaitScreenMatching(Pattern.compile("download +slow\\.bin +" + Pattern.quote(peer.address()) + " .* 100% .* DONE"));

            tmux.keys("half a thought", "C-c");
            // the hint is printed above, then the prompt is redrawn: wait for both
            screen = tmux.awaitScreenMatching(Pattern.compile(Pattern.quote("(Ctrl-C again or quit to leave)")
                    + "\\s*\\n" + Pattern.quote("p2p " + self.group(1) + ">") + "\\s*$"));
            assertThat(Tmux.lastLine(screen)).as("Ctrl-C clears the line").isEqualTo("p2p " + self.group(1) + ">");

            tmux.keys("quit", "Enter");
            tmux.awaitScreen("EXIT=0");
        }
    }
}
