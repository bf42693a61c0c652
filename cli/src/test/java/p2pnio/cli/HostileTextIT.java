package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import p2pnio.testkit.ReferencePeer;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Visible;

/**
 * Issue 10, item 3: a hostile server answers with the NAME
 * {@code ESC ] 0;PWNED BEL ESC [2J ESC [31m../../etc/evil} (set the terminal's title, clear the
 * screen, turn the text red). Whatever the mode (get, get --json, the piped shell with its trace,
 * list and transfers, the terminal shell), the user sees the name with its control characters
 * made visible, and not one control byte of it reaches stdout, stderr or the terminal.
 */
class HostileTextIT {

    private static final String NAME = "\u001b]0;PWNED\u0007\u001b[2J\u001b[31m../../etc/evil";
    private static final String SHOWN = "\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31m../../etc/evil";
    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private ReferencePeer evil;

    @BeforeEach
    void aServerThatLiesAboutTheName() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(theirs.resolve("notes.txt"), "harmless bytes\n");
        evil = new ReferencePeer(theirs, 0);
        evil.sendName(NAME);
    }

    @AfterEach
    void stop() throws Exception {
        evil.close();
    }

    /** Every code point that could act on a terminal, other than the line breaks between lines. */
    private static List<String> rawControls(byte[] output) {
        List<String> found = new ArrayList<>();
        new String(output, StandardCharsets.UTF_8).codePoints()
                .filter(c -> c != '\n' && Visible.isControl(c))
                .forEach(c -> found.add(String.format("U+%04X", c)));
        return found;
    }

    @Test
    void getWithItsTraceShowsTheNameVisiblyAndWritesNoControlByte() throws Exception {
        Jar.Result get = Jar.run(tmp, Map.of(), RUN, "get", "notes.txt", "--folder", "mine", "--peer", evil.address(),
                "--trace");

        assertThat(get.exit()).as(get.output()).isZero();
        assertThat(get.output()).contains("warning: '" + evil.address() + "' sent 'notes.txt' under the name '" + SHOWN + "'");
        assertThat(get.output()).contains("download#1 READ_HEADER -> OPENING", "download#1 OPENING -> READ_BODY");
        assertThat(rawControls(get.raw())).as(get.output()).isEmpty();
        assertThat(tmp.resolve("mine/notes.txt")).hasContent("harmless bytes");
        assertThat(tmp.resolve("etc")).doesNotExist();
    }

    @Test
    void getJsonKeepsTheNameIntactForScriptsYetWritesNoControlByte() throws Exception {
        Jar.Result get = Jar.runApart(tmp, Map.of(), RUN, "get", "notes.txt", "--json", "--folder", "mine",
                "--peer", evil.address());

        assertThat(get.exit()).as(get.output()).isZero();
        assertThat(rawControls(get.raw())).as("stdout").isEmpty();
        assertThat(rawControls(get.rawErr())).as("stderr").isEmpty();
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : get.output().lines().toList()) {
            events.add(mapper.readTree(line));
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("Warning");
            assertThat(e.get("message").asText()).contains("under the name '" + NAME + "'");
        });
        assertThat(new String(get.rawErr(), StandardCharsets.UTF_8)).contains(SHOWN);
    }

    @Test
    void thePipedShellsEventsTraceListAndTransfersShowNoControlByte() throws Exception {
        Jar.Result shell = Jar.runWithInput(tmp, Map.of(), RUN, "trace on\nget notes.txt\nlist\ntransfers\nstats\n",
                "--folder", "mine", "--port", "0", "--peer", evil.address());

        assertThat(shell.exit()).as(shell.output()).isZero();
        assertThat(shell.output()).contains("under the name '" + SHOWN + "'", "p2p> transfers", "DONE",
                evil.address() + "  configured");
        assertThat(rawControls(shell.raw())).as(shell.output()).isEmpty();
    }

    @Test
    void theTerminalShellKeepsItsTitleScreenAndColours() throws Exception {
        assumeThat(Tmux.available()).as("tmux is installed").isTrue();
        try (Tmux tmux = new Tmux()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            tmux.start(tmp, "env -u P2P_FOLDER -u P2P_CLUSTER -u P2P_PORT " + java + " -Duser.home=" + tmp + " -jar "
                    + Jar.path() + " --folder mine --port 0 --peer " + evil.address() + "; sleep 60");
            tmux.awaitScreen("Type help.");
            String title = tmux.title();

            tmux.keys("get notes.txt", "Enter");
            String screen = tmux.awaitScreen("finished notes.txt");

            assertThat(screen).as("the warning is shown, made visible").contains(SHOWN);
            assertThat(screen).as("the screen was not cleared by the warning").contains("> get notes.txt",
                    "asked 1 peer for notes.txt");
            assertThat(tmux.title()).as("the title was not changed").isEqualTo(title).doesNotContain("PWNED");
        }
    }
}
