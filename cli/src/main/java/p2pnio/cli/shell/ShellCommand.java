package p2pnio.cli.shell;

import java.util.concurrent.Callable;
import p2pnio.NodeConfig;
import p2pnio.cli.Main;
import p2pnio.cli.NodeOptions;
import p2pnio.cli.Settings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The default mode of {@code p2p.jar}: the JLine shell on a terminal, or the same commands read
 * one per line, with plain output, when standard input or output is not a terminal.
 */
public class ShellCommand implements Callable<Integer> {

    @Mixin
    NodeOptions options;

    @Option(names = "--plain", description = "Read commands one per line with plain output, even on a terminal.")
    boolean plain;

    /** The node options given before any mode. */
    public NodeOptions options() {
        return options;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.resolve(options, Main.Environment.env(), Main.Environment.workDir(), NodeConfig.DEFAULT_PORT);
        if (plain || System.console() == null) {
            return new PipedShell(settings, options).run();
        }
        return new InteractiveShell(settings, options).run();
    }
}
