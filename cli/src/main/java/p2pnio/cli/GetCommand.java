package p2pnio.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import p2pnio.Command.Fetch;
import p2pnio.FileName;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.Json;
import p2pnio.cli.out.LineSink;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.ProgressTicker;
import p2pnio.cli.out.TerminalOutput;
import p2pnio.cli.out.Text;
import p2pnio.cli.settings.Launch;
import p2pnio.cli.settings.NodeOptions;
import p2pnio.cli.settings.Settings;
import p2pnio.cli.settings.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code p2p get NAME}: starts a node, asks the cluster for NAME, saves it in the folder and
 * exits 0; exits 1 with a one-line reason when nobody has it within {@code waiting}, the
 * transfer breaks, or the name cannot travel; exits 2 on bad usage.
 *
 * <p>On a terminal, standard error shows what it waits for (the peers asked, the retries, who
 * answered) and then a progress bar, redrawn four times a second at most; {@code --quiet}
 * silences it and {@code --progress} forces it into a pipe. {@code --json} prints every event
 * as one JSON object per line on standard output instead of the {@code saved} line.
 */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Download one file from the cluster into the folder, then exit.",
                "On a terminal, stderr shows what it waits for, then a progress bar.",
                "Exit status: 0 saved, 1 not found / broken transfer / bad name, 2 bad usage.",
                "Its own node binds any free port unless --port, P2P_PORT or config.yml says otherwise."})
public final class GetCommand implements Callable<Integer> {

    @Mixin
    NodeOptions own;

    @ParentCommand
    Main parent;

    @Parameters(paramLabel = "NAME", description = "Base name of the file to fetch.")
    String name;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr, even on a terminal (a failure is still reported).")
    boolean quiet;

    @Option(names = "--progress", description = "Show the progress even when stderr is not a terminal (redrawn with carriage returns).")
    boolean progress;

    @Option(names = "--json", description = "Print one JSON object per event on stdout instead of the 'saved' line.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException, IOException {
        Launch launch = parent.launch();
        NodeOptions options = own.orElse(parent.options());
        Settings settings = Settings.resolve(options, launch).anyPortUnlessSet();
        if (quiet && progress) {
            throw new UsageError("--quiet and --progress: give one or the other");
        }
        Output out = Output.of(launch.out());
        Output err = Output.of(launch.err());
        String why = FileName.whyNotRequestable(name);
        if (why != null) {
            err.print("p2p get: cannot request '" + name + "': " + why);
            return 1;
        }
        NodeConfig config = settings.headless();
        if (config.cluster().isEmpty()) {
            throw new UsageError("get needs a peer to ask: give --peer H:P, P2P_CLUSTER or cluster in config.yml");
        }
        try (TerminalOutput bar = quiet ? null : TerminalOutput.openStderr(launch.env(), launch.err(), progress)) {
            Output status = bar != null ? bar : err;
            NodeEvent result = fetch(launch, options, config, out, status, bar != null);
            if (result instanceof NodeEvent.DownloadFinished f) {
                if (!json) {
                    out.print("saved " + f.file() + " (" + Text.bytes(f.size()) + " in "
                            + Text.seconds(f.elapsedNanos() / 1e9) + ", " + Text.rate(f.bytesPerSecond()) + ") from " + f.peer());
                }
                return 0;
            }
            err.print("p2p get: " + name + ": " + (result instanceof NodeEvent.DownloadFailed x ? x.reason() : "no outcome"));
            return 1;
        }
    }

    /**
     * Runs a node until the download has an outcome. Warnings go to {@code status}; so do, when
     * {@code live}, the lines that tell what the download waits for, its progress and the trace.
     */
    private NodeEvent fetch(Launch launch, NodeOptions options, NodeConfig config, Output out, Output status, boolean live)
            throws InterruptedException {
        Json events = json ? new Json() : null;
        Downloads downloads = new Downloads();
        downloads.started(name);
        CompletableFuture<NodeEvent> outcome = new CompletableFuture<>();
        PrintStream trace = options.traceToFile() || !live ? options.traceOut(launch)
                : new PrintStream(new LineSink(status::print), true, StandardCharsets.UTF_8);
        try (Node node = Node.start(config, event -> {
            if (events != null && !Json.isAnswer(event)) {
                out.print(events.line(event));
            }
            if (downloads.on(event)) {
                outcome.complete(event);
            } else if (event instanceof NodeEvent.Warning w) {
                status.print("p2p get: warning: " + w.message());
            } else if (event instanceof NodeEvent.RequestRetrying r && r.name().equals(name)) {
                status.print("p2p get: " + Text.event(r)); // a peer that answered does not serve: said like a warning
            } else if (live && (event instanceof NodeEvent.RequestSent || event instanceof NodeEvent.RequestAnswered
                    || event instanceof NodeEvent.DownloadStarted)) {
                status.print(Text.event(event));
            }
        }, trace)) {
            node.trace(options.traceOn());
            ProgressTicker ticker = live ? ProgressTicker.start(downloads, status) : null;
            // Ctrl-C or SIGTERM: stop the node cleanly, so that it deletes its partial file
            Thread hook = new Thread(() -> {
                if (ticker != null) {
                    ticker.close();
                }
                node.close();
            }, "p2p-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                node.post(new Fetch(name));
                return outcome.get(Settings.outcomeDeadline(config).toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already: it closes the node
                }
                if (ticker != null) {
                    ticker.close();
                }
            }
        } catch (IOException e) {
            return new NodeEvent.DownloadFailed(name, "cannot start a node on " + config.host() + ":" + config.port()
                    + ": " + e.getMessage());
        } catch (ExecutionException | TimeoutException e) {
            return new NodeEvent.DownloadFailed(name, "no outcome: " + e);
        }
    }
}
