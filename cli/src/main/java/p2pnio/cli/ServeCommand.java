package p2pnio.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.PeerAddress;
import picocli.CommandLine.Command;
import p2pnio.cli.shell.ShellCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

/**
 * {@code p2p serve}: a node without a console. Prints one line with its bound UDP and TCP
 * addresses once it serves, then one line per event, and runs until SIGINT or SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a node without a console until SIGINT or SIGTERM.",
                "Prints 'serving udp=H:P tcp=H:P folder=DIR' once it is ready, then one line per event."})
public final class ServeCommand implements java.util.concurrent.Callable<Integer> {

    @Mixin
    NodeOptions own;

    @ParentCommand
    ShellCommand parent;

    private NodeOptions options;

    @Option(names = "--stats-every", paramLabel = "S", description = "Print the loop's counters every S seconds.")
    String statsEvery;

    @Override
    public Integer call() throws InterruptedException {
        options = own.orElse(parent.options());
        Settings settings = Settings.resolve(options, Main.Environment.env(), Main.Environment.workDir(), NodeConfig.DEFAULT_PORT);
        NodeConfig config = settings.headless(Main.Environment.workDir());
        long statsMillis = statsMillis();
        PrintStream out = System.out;
        CountDownLatch announced = new CountDownLatch(1);
        Node node;
        try {
            node = Node.start(config, event -> {
                if (event instanceof NodeEvent.Ready) {
                    return;
                }
                String line = Text.event(event);
                if (line != null) {
                    awaitQuietly(announced);
                    out.println(line);
                }
            }, Main.traceOut(options));
        } catch (IOException e) {
            System.err.println("p2p serve: cannot start on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            return 1;
        }
        node.trace(Main.traceOn(options));
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
                out.println("stopped");
                out.flush();
            }
        }, "p2p-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // The hook is in place before the ready line: from then on SIGTERM always stops cleanly.
        out.println("serving udp=" + PeerAddress.of(node.controlAddress()) + " tcp=" + PeerAddress.of(node.transferAddress())
                + " folder=" + config.folder());
        announced.countDown();
        if (statsMillis > 0) {
            ticker.scheduleAtFixedRate(() -> node.stats().thenAccept(s -> out.println(Text.statsLine(s))),
                    statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        }
        node.stopped().join();
        return 0;
    }

    private long statsMillis() {
        if (statsEvery == null) {
            return 0;
        }
        try {
            BigDecimal s = new BigDecimal(statsEvery.strip());
            if (s.signum() > 0) {
                return Math.max(1, s.movePointRight(3).longValue());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError("--stats-every: '" + statsEvery + "' must be a number of seconds above 0");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
