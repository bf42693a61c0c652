package p2pnio.cli.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.PeerAddress;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.Output;
import p2pnio.cli.settings.Launch;
import p2pnio.cli.settings.NodeOptions;
import p2pnio.cli.settings.Settings;

/**
 * The shell without a terminal: commands are read one per line from standard input, each echoed
 * after {@code p2p> }, and everything is written as plain lines (no colours, no cursor movement).
 * At end of input it waits for the downloads it started (resuming the node if the script left it
 * paused), then stops the node. Exits 1 if one of them failed, so scripts can check. Everything it prints goes through one {@link Output}.
 */
public final class PipedShell {

    private final Launch launch;
    private final Settings settings;
    private final NodeOptions options;

    /** A piped shell for a node with these settings; {@link #run()} starts it. */
    public PipedShell(Launch launch, Settings settings, NodeOptions options) {
        this.launch = launch;
        this.settings = settings;
        this.options = options;
    }

    /** Reads and runs the commands of standard input, then stops; returns the exit status. */
    public int run() throws IOException, InterruptedException {
        NodeConfig config = settings.headless();
        Output out = Output.of(launch.out());
        Downloads downloads = new Downloads();
        Set<String> names = new ConcurrentSkipListSet<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(launch.in(), StandardCharsets.UTF_8));
        ShellListener listener = new ShellListener(out, downloads, names);
        try (Node node = Node.start(config, listener, options.traceOut(launch))) {
            node.trace(options.traceOn());
            // SIGINT/SIGTERM outside the prompt: stop cleanly, so no partial download is left behind
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "p2p-shutdown"));
            out.print("node udp=" + PeerAddress.of(node.controlAddress()) + " tcp=" + PeerAddress.of(node.transferAddress())
                    + " folder=" + config.folder() + " peers=" + config.cluster().size());
            listener.open();
            Interpreter interpreter = new Interpreter(node, out, downloads, names);
            boolean quit = false;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                out.print("p2p> " + line.strip());
                if (!interpreter.execute(line)) {
                    quit = true;
                    break;
                }
            }
            if (!quit && !downloads.names().isEmpty()) {
                if (node.isPaused()) {
                    out.print("end of input: resuming the paused node");
                    node.resume();
                }
                out.print("end of input: waiting for " + String.join(", ", downloads.names()));
                if (!downloads.awaitAll(Settings.outcomeDeadline(config).toMillis())) {
                    out.print("gave up waiting for " + String.join(", ", downloads.names()));
                }
            }
            interpreter.close();
            out.print("bye");
        }
        return downloads.failed() > 0 || !downloads.names().isEmpty() ? 1 : 0;
    }
}
