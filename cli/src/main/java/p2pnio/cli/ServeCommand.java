package p2pnio.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.PeerAddress;
import p2pnio.SecureCluster;
import p2pnio.cli.out.Json;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.Text;
import p2pnio.cli.settings.Launch;
import p2pnio.cli.settings.NodeOptions;
import p2pnio.cli.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code p2p serve}: a node without a console. Prints one line with its bound UDP and TCP
 * addresses once it serves, then one line per event, and runs until SIGINT or SIGTERM; with
 * {@code --json}, one JSON object per event instead (docs/json.md).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a node without a console until SIGINT or SIGTERM.",
                "Prints 'serving udp=H:P tcp=H:P folder=DIR' once it is ready, then one line per event, "
                        + "then 'stopped'; with --json, one JSON object per event (Ready first, Stopped last)."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    NodeOptions own;

    @ParentCommand
    Main parent;

    @Option(names = "--stats-every", paramLabel = "S", description = "Print the loop's counters every S seconds.")
    String statsEvery;

    @Option(names = "--json", description = "Print one JSON object per event on stdout, for scripts and log collectors.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException, java.io.IOException {
        Launch launch = parent.launch();
        NodeOptions options = own.orElse(parent.options());
        NodeConfig config = Settings.resolve(options, launch).headless();
        long statsMillis = statsEvery == null ? 0
                : Math.max(1, Settings.seconds(statsEvery, "--stats-every", false).toMillis());
        Output out = Output.of(launch.out());
        Json events = json ? new Json() : null;
        CountDownLatch announced = new CountDownLatch(1);
        Node node;
        try {
            node = Node.start(config, event -> {
                if (event instanceof NodeEvent.Ready) {
                    return; // announced below, once SIGTERM is sure to stop cleanly
                }
                String line = events != null ? (Json.isAnswer(event) ? null : events.line(event)) : Text.event(event);
                if (line != null) {
                    awaitQuietly(announced);
                    out.print(line);
                }
            }, options.traceOut(launch));
        } catch (IOException e) {
            Output.of(launch.err()).print("p2p serve: cannot start on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            return 1;
        }
        node.trace(options.traceOn());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2p-stats");
            t.setDaemon(true);
            return t;
        });
        Thread hook = new Thread(() -> {
            ticker.shutdownNow();
            try {
                node.close();
            } finally {
                if (events == null) {
                    out.print("stopped");
                }
            }
        }, "p2p-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // The hook is in place before the ready line: from then on SIGTERM always stops cleanly.
        out.print(events != null ? events.line(new NodeEvent.Ready(node.controlAddress(), node.transferAddress()))
                : "serving udp=" + PeerAddress.of(node.controlAddress()) + " tcp=" + PeerAddress.of(node.transferAddress())
                        + " folder=" + config.folder());
        if (events == null && config.secure()) {
            out.print("secure mode: datagrams authenticated with " + config.secret() + "; this node is "
                    + SecureCluster.fingerprint(config.identity()) + " (" + config.identity() + ")");
        }
        announced.countDown();
        if (statsMillis > 0) {
            ticker.scheduleAtFixedRate(() -> node.stats().thenAccept(s -> out.print(
                    events != null ? events.line(new NodeEvent.StatsReport(s)) : Text.statsLine(s))),
                    statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        }
        node.stopped().join();
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
