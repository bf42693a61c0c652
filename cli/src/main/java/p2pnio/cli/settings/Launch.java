package p2pnio.cli.settings;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of the program was started with: its environment, its working directory and its
 * standard streams. {@code Main} makes it once and every mode receives it; nothing else reads
 * {@link System#getenv()}, the working directory or {@link System#in}/{@link System#out}, so a
 * test can start the whole program with its own.
 *
 * @param env     the environment variables ({@code P2P_HOST}, ...)
 * @param workDir where config.yml is looked for and relative paths start
 * @param in      standard input: the piped shell's commands
 * @param out     standard output: results, events, JSON
 * @param err     standard error: warnings, failures, the progress bar and, by default, the trace
 */
public record Launch(Map<String, String> env, Path workDir, InputStream in, PrintStream out, PrintStream err) {

    /** Checks and copies its parts. */
    public Launch {
        env = Map.copyOf(env);
        workDir = workDir.toAbsolutePath().normalize();
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The launch of this process: its environment, working directory, stdout and stderr. */
    public static Launch system() {
        return new Launch(System.getenv(), Path.of(""), System.in, System.out, System.err);
    }
}
