package p2pnio.cli;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import p2pnio.cli.shell.ShellCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of {@code p2p.jar}: the interactive shell by default, {@code serve} for a
 * headless node, {@code get NAME} for one download.
 *
 * <p>Exit status: 0 success, 1 the work failed (not found, broken transfer, bad name, a port that
 * cannot be bound), 2 bad usage (an unknown option, a bad setting from any source).
 */
@Command(name = "p2p", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"A peer-to-peer file-sharing node whose whole network side runs on one java.nio Selector thread.",
                "Without a mode it runs the interactive shell (plain line mode when stdin is not a terminal)."},
        subcommands = {ServeCommand.class, GetCommand.class},
        footer = {"", "Settings: an option beats the environment (P2P_HOST, P2P_PORT, P2P_FOLDER,",
                "P2P_CLUSTER, P2P_PERIOD, P2P_WAITING, P2P_DELAY), which beats config.yml",
                "(working directory, then ./configs), which beats the defaults.",
                "Exit status: 0 ok, 1 failed (not found, broken transfer, bad name), 2 bad usage."})
public final class Main extends ShellCommand {

    /** Runs the program and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath()));
    }

    /** Runs the program with this environment and working directory; returns the exit status. */
    public static int run(String[] args, Map<String, String> env, Path workDir) {
        Environment.set(env, workDir);
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageError) {
                cmd.getErr().println("p2p: " + e.getMessage());
                cmd.getErr().println("Try 'java -jar p2p.jar " + (cmd.getCommandName().equals("p2p") ? "" : cmd.getCommandName() + " ")
                        + "--help' for the options.");
                return 2;
            }
            cmd.getErr().println("p2p: " + e);
            return 1;
        });
        return cli.execute(args);
    }

    /** Where a mode finds the environment and working directory (tests pass their own). */
    public static final class Environment {
        private static Map<String, String> env = System.getenv();
        private static Path workDir = Path.of("").toAbsolutePath();

        private Environment() {
        }

        static void set(Map<String, String> e, Path dir) {
            env = e;
            workDir = dir;
        }

        /** The environment variables. */
        public static Map<String, String> env() {
            return env;
        }

        /** The working directory. */
        public static Path workDir() {
            return workDir;
        }
    }

    /** Opens the trace destination of {@code options}: a file when {@code --trace-file} is given, else stderr. */
    public static PrintStream traceOut(NodeOptions options) {
        if (options.traceFile == null) {
            return System.err;
        }
        try {
            return new PrintStream(new FileOutputStream(Environment.workDir().resolve(options.traceFile).toFile(), true), true);
        } catch (FileNotFoundException e) {
            throw new UsageError("--trace-file: cannot write '" + options.traceFile + "': " + e.getMessage());
        }
    }

    /** True when the trace goes to a file of the user's choosing rather than to stderr. */
    public static boolean traceToFile(NodeOptions options) {
        return options.traceFile != null;
    }

    /** True when the trace should start on. */
    public static boolean traceOn(NodeOptions options) {
        return options.trace || options.traceFile != null;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"p2p-nio " + (v == null ? "(development build)" : v), "Java " + System.getProperty("java.version")};
        }
    }
}
