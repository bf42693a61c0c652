package p2pnio.cli;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import p2pnio.Command.Fetch;
import p2pnio.FileName;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import picocli.CommandLine.Command;
import p2pnio.cli.shell.ShellCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code p2p get NAME}: starts a node, asks the cluster for NAME, saves it in the folder and
 * exits 0; exits 1 with a one-line reason when nobody has it within {@code waiting}, the
 * transfer breaks, or the name cannot travel; exits 2 on bad usage.
 */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Download one file from the cluster into the folder, then exit.",
                "Exit status: 0 saved, 1 not found / broken transfer / bad name, 2 bad usage.",
                "Its own node binds any free port unless --port, P2P_PORT or config.yml says otherwise."})
public final class GetCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    NodeOptions own;

    @ParentCommand
    ShellCommand parent;

    private NodeOptions options;

    @Parameters(paramLabel = "NAME", description = "Base name of the file to fetch.")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        options = own.orElse(parent.options());
        Settings settings = Settings.resolve(options, Main.Environment.env(), Main.Environment.workDir(), 0);
        String why = FileName.whyNotRequestable(name);
        if (why != null) {
            System.err.println("p2p get: cannot request '" + name + "': " + why);
            return 1;
        }
        NodeConfig config = settings.headless(Main.Environment.workDir());
        if (config.cluster().isEmpty()) {
            throw new UsageError("get needs a peer to ask: give --peer H:P, P2P_CLUSTER or cluster in config.yml");
        }
        CompletableFuture<NodeEvent> outcome = new CompletableFuture<>();
        try (Node node = Node.start(config, event -> {
            if (event instanceof NodeEvent.DownloadFinished f && f.name().equals(name)
                    || event instanceof NodeEvent.DownloadFailed x && x.name().equals(name)) {
                outcome.complete(event);
            } else if (event instanceof NodeEvent.Warning w) {
                System.err.println("p2p get: warning: " + w.message());
            }
        }, Main.traceOut(options))) {
            node.trace(Main.traceOn(options));
            node.post(new Fetch(name));
            NodeEvent result = outcome.get(settings.waiting().toMillis() + config.idleTimeout().toMillis() * 4 + 60_000,
                    TimeUnit.MILLISECONDS);
            if (result instanceof NodeEvent.DownloadFinished f) {
                System.out.println("saved " + f.file() + " (" + Text.bytes(f.size()) + " in "
                        + Text.seconds(f.elapsedNanos() / 1e9) + ", " + Text.rate(f.bytesPerSecond()) + ") from " + f.peer());
                return 0;
            }
            System.err.println("p2p get: " + name + ": " + ((NodeEvent.DownloadFailed) result).reason());
            return 1;
        } catch (IOException e) {
            System.err.println("p2p get: cannot start a node on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            return 1;
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("p2p get: " + name + ": no outcome: " + e);
            return 1;
        }
    }
}
