package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.TestFiles;

/** The shell with standard input from a script: plain lines, the same commands, and it waits for its downloads. */
class PipedShellIT {

    @TempDir
    Path tmp;

    @Test
    void aScriptOfCommandsProducesTheExpectedOutputAndFiles() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(served.resolve("hello.txt"), "hello\n");
        Path big = TestFiles.random(served.resolve("big.bin"), 8 * 1024 * 1024, 5);
        Files.writeString(mine.resolve("own.txt"), "mine\n");
        String script = """
                help
                list
                files
                get hello.txt big.bin
                frobnicate
                """;
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result shell = Jar.runWithInput(tmp, Map.of(), Duration.ofSeconds(60), script,
                    "--folder", "mine", "--port", "0", "--peer", serve.udp());

            assertThat(shell.exit()).as(shell.output()).isZero();
            assertThat(shell.output().lines())
                    .first().asString().startsWith("node udp=127.0.0.1:").contains("folder=" + mine, "peers=1");
            assertThat(shell.output().lines()).containsSubsequence(
                    "p2p> help", "p2p> list", "p2p> files", "p2p> get hello.txt big.bin", "p2p> frobnicate", "bye");
            assertThat(shell.output()).contains(
                    "  get        get NAME [NAME...]: download files; the prompt comes back at once",
                    serve.udp() + "  configured",
                    "own.txt  5 B",
                    "unknown command 'frobnicate'; type help for the list",
                    "end of input: waiting for");
            assertThat(shell.output()).containsPattern("finished hello\\.txt: 6 B in .* from " + serve.udp());
            assertThat(shell.output()).containsPattern("finished big\\.bin: 8\\.0 MiB in .* from " + serve.udp());
            assertThat(shell.output().lines()).as("plain output: no escape sequences").noneMatch(l -> l.contains("\u001b"));
            assertThat(mine.resolve("hello.txt")).hasContent("hello");
            assertThat(TestFiles.sha256(mine.resolve("big.bin"))).isEqualTo(TestFiles.sha256(big));
        }
    }

    @Test
    void aScriptWhoseDownloadFailsExitsOneAfterSayingWhy() throws Exception {
        Files.createDirectories(tmp.resolve("served"));
        Files.createDirectories(tmp.resolve("mine"));
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result shell = Jar.runWithInput(tmp, Map.of(), Duration.ofSeconds(60), "get nobody-has-this.txt\n",
                    "--folder", "mine", "--port", "0", "--peer", serve.udp(), "--waiting", "1");

            assertThat(shell.exit()).isEqualTo(1);
            assertThat(shell.output()).contains("failed nobody-has-this.txt: no peer answered within");
        }
    }

    @Test
    void aPausedNodeIsSteppedTurnByTurnThroughADownloadByLinesWrittenAsTheTurnsCome() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(served.resolve("hello.txt"), "hello\n");
        try (Jar serve = Jar.serve(tmp, "--folder", "served");
             Jar shell = Jar.start(tmp, Map.of(), "--folder", "mine", "--port", "0", "--peer", serve.udp())) {
            shell.awaitLine(l -> l.startsWith("node udp="), Duration.ofSeconds(20));
            OutputStream in = shell.stdin();
            type(in, "pause");
            shell.awaitLine(l -> l.startsWith("paused between two turns"), Duration.ofSeconds(20));
            type(in, "get hello.txt");
            for (int i = 1; i <= 40 && !shell.output().contains("download#1 FINISHING -> DONE"); i++) {
                type(in, "step");
                type(in, "# stepped " + i); // echoed once the step's turns are printed
                String mark = "p2p> # stepped " + i;
                shell.awaitLine(mark::equals, Duration.ofSeconds(30));
            }
            type(in, "resume");
            type(in, "quit");
            assertThat(shell.process().waitFor(30, TimeUnit.SECONDS)).as(shell.output()).isTrue();
            assertThat(shell.process().exitValue()).as(shell.output()).isZero();

            List<String> lines = shell.output().lines().toList();
            assertThat(lines).as("the first step runs the queued get").containsSubsequence("p2p> get hello.txt",
                    "p2p> step", "  task command Fetch[name=hello.txt]");
            assertThat(lines).filteredOn(l -> l.startsWith("turn ")).as("a heading per turn")
                    .allMatch(l -> l.matches("turn \\d+: select -> \\d+ keys? ready, \\d+\\.\\d{3} ms of work"));
            assertThat(lines).filteredOn(l -> l.startsWith("  download#1 ") && l.contains(" -> "))
                    .extracting(l -> l.replaceAll(" \\(.*", "")).containsExactly(
                            "  download#1 NEW -> CONNECTING", "  download#1 CONNECTING -> SEND_REQUEST",
                            "  download#1 SEND_REQUEST -> READ_HEADER", "  download#1 READ_HEADER -> OPENING",
                            "  download#1 OPENING -> READ_BODY", "  download#1 READ_BODY -> FINISHING",
                            "  download#1 FINISHING -> DONE");
            assertThat(lines).anyMatch(l -> l.startsWith("  udp out " + serve.udp() + " Get,hello.txt"))
                    .anyMatch(l -> l.startsWith("  select -> connectable[download#1"))
                    .anyMatch(l -> l.startsWith("  select -> readable[download#1 hello.txt"))
                    .contains("resumed: the loop runs free", "bye");
            assertThat(shell.output()).containsPattern("finished hello\\.txt: 6 B in .* from " + serve.udp());
            assertThat(mine.resolve("hello.txt")).hasContent("hello");
        }
    }

    private static void type(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
