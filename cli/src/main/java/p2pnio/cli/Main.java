package p2pnio.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import p2pnio.cli.out.Output;
import p2pnio.cli.settings.Launch;
import p2pnio.cli.settings.NodeOptions;
import p2pnio.cli.settings.Settings;
import p2pnio.cli.settings.UsageError;
import p2pnio.cli.shell.InteractiveShell;
import p2pnio.cli.shell.PipedShell;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The entry point of {@code p2p.jar} (the {@code p2p} command once installed): the interactive
 * shell by default, {@code serve} for a headless node, {@code get NAME} for one download,
 * {@code raw} for the lessons, {@code keygen} for a secure cluster's secret, {@code completion} for the shell's Tab key.
 *
 * <p>It is made with one immutable {@link Launch} (environment, working directory, streams) that
 * every mode reads through {@link #launch()}; nothing reads mutable static state.
 *
 * <p>Exit status: 0 success, 1 the work failed (not found, broken transfer, bad name, a port that
 * cannot be bound), 2 bad usage (an unknown option, a bad setting from any source).
 */
@Command(name = "p2p", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, resourceBundle = "p2pnio.cli.settings.Defaults",
        description = {"A peer-to-peer file-sharing node whose whole network side runs on one java.nio Selector thread.",
                "Without a mode it runs the interactive shell (plain line mode when stdin is not a terminal)."},
        subcommands = {ServeCommand.class, GetCommand.class, RawCommand.class, KeygenCommand.class, CompletionCommand.class},
        footer = {"", "Settings: an option beats the environment (P2P_HOST, P2P_PORT, P2P_FOLDER,",
                "P2P_CLUSTER, P2P_PERIOD, P2P_WAITING, P2P_DELAY, P2P_SECRET_FILE, ...), which beats config.yml",
                "(working directory, then ./configs), which beats the defaults.",
                "Exit status: 0 ok, 1 failed (not found, broken transfer, bad name), 2 bad usage."})
public final class Main implements Callable<Integer> {

    private final Launch launch;

    @Mixin
    NodeOptions options;

    @Option(names = "--plain", description = "Read commands one per line with plain output, even on a terminal.")
    boolean plain;

    /** The program as this process was launched (picocli's tools, such as the man page generator, use this one). */
    public Main() {
        this(Launch.system());
    }

    /** The program with the environment, working directory and streams of {@code launch}. */
    public Main(Launch launch) {
        this.launch = launch;
    }

    /** Runs the program and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, Launch.system()));
    }

    /** Runs the program as {@code launch} says; returns the exit status. */
    public static int run(String[] args, Launch launch) {
        CommandLine cli = new CommandLine(new Main(launch));
        cli.setOut(new PrintWriter(launch.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(launch.err(), true, StandardCharsets.UTF_8));
        Output err = Output.of(launch.err());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UsageError) {
                err.print("p2p: " + e.getMessage());
                err.print("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
                return 2;
            }
            err.print("p2p: " + e);
            return 1;
        });
        return cli.execute(args);
    }

    /** What this run was launched with. */
    public Launch launch() {
        return launch;
    }

    /** The node options given before any mode. */
    public NodeOptions options() {
        return options;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.resolve(options, launch);
        if (plain || System.console() == null) {
            return new PipedShell(launch, settings, options).run();
        }
        return new InteractiveShell(launch, settings, options).run();
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
