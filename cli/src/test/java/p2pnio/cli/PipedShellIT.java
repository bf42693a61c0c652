package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
}
