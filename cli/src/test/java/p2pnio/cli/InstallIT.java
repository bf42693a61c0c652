package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install} into a temporary PREFIX, as a user would run it once the jar is built: a
 * {@code p2p} command that runs, man pages, and a bash completion that completes; then
 * {@code make uninstall} takes all of it away.
 */
class InstallIT {

    @TempDir
    Path prefix;

    /** The repository's root: p2p.jar is root/cli/target/p2p.jar. */
    private static Path root() {
        return Jar.path().toAbsolutePath().getParent().getParent().getParent();
    }

    private record Ran(int exit, String output) { }

    private static Ran run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s ended", List.of(command)).isTrue();
        return new Ran(p.exitValue(), out);
    }

    /** What the installed completion offers for the words typed so far. */
    private String complete(Path script, String... words) throws Exception {
        List<String> quoted = new ArrayList<>();
        for (String w : words) {
            quoted.add("'" + w + "'");
        }
        String line = String.join(" ", words);
        Ran ran = run(prefix, "bash", "-c", "source '" + script + "'; COMP_WORDS=(" + String.join(" ", quoted) + "); "
                + "COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length() + "; "
                + "_complete_p2p 2>/dev/null; echo \"${COMPREPLY[*]}\"");
        assertThat(ran.exit()).as(ran.output()).isZero();
        return ran.output().strip();
    }

    @Test
    void makeInstallPutsARunnableP2pItsManPagesAndCompletionUnderPrefixAndUninstallRemovesThem() throws Exception {
        // MVN=false: the jar and the man pages are built already; make must not start another build
        Ran install = run(root(), "make", "-s", "install", "PREFIX=" + prefix, "MVN=false");

        assertThat(install.exit()).as(install.output()).isZero();
        assertThat(install.output()).contains("installed " + prefix.resolve("bin/p2p"));
        Path p2p = prefix.resolve("bin/p2p");
        assertThat(Files.isExecutable(p2p)).isTrue();
        Ran version = run(prefix, p2p.toString(), "--version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("p2p-nio 0.").doesNotContain("development build");
        Ran help = run(prefix, p2p.toString(), "get", "--help");
        assertThat(help.output()).contains("Usage: p2p get");

        Path man = prefix.resolve("share/man/man1");
        for (String page : List.of("p2p.1", "p2p-serve.1", "p2p-get.1", "p2p-raw.1", "p2p-completion.1")) {
            assertThat(man.resolve(page)).isRegularFile();
        }
        assertThat(Files.readString(man.resolve("p2p-get.1"))).contains(".TH \"P2P\\-GET\" \"1\"", "p2p-nio 0.", "\\-\\-progress");

        Path completion = prefix.resolve("share/bash-completion/completions/p2p");
        assertThat(complete(completion, "p2p", "ge")).isEqualTo("get");
        assertThat(complete(completion, "p2p", "get", "--qu")).isEqualTo("--quiet");
        assertThat(complete(completion, "p2p", "completion", "")).isEqualTo("bash zsh");

        Ran uninstall = run(root(), "make", "-s", "uninstall", "PREFIX=" + prefix, "MVN=false");
        assertThat(uninstall.exit()).as(uninstall.output()).isZero();
        try (var left = Files.walk(prefix)) {
            assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
        }
    }
}
