package p2pnio.cli.shell;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import p2pnio.Command;
import p2pnio.FileName;
import p2pnio.Node;
import p2pnio.NodeEvent;
import p2pnio.PeerAddress;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.Text;
import p2pnio.cli.settings.ByteRate;
import p2pnio.cli.settings.UsageError;

/**
 * The shell's commands, the same for the terminal and for piped input. It never touches a
 * channel: every command is posted to the node's queue or asks one of its query futures, and
 * asynchronous results come back as events.
 */
public final class Interpreter {

    /** Command names with their one-line help, in the order {@code help} lists them. */
    public static final List<String[]> COMMANDS = List.of(
            new String[] {"list", "the cluster: address, where it came from, last heard, priority (alias: peers)"},
            new String[] {"get", "get NAME [NAME...]: download files; the prompt comes back at once"},
            new String[] {"transfers", "running and recent uploads and downloads"},
            new String[] {"files", "what this node shares, with each file's SHA-256"},
            new String[] {"browse", "what the other p2pnio nodes share, and who holds each file (alias: ls)"},
            new String[] {"add", "add H:P: add a peer to the cluster"},
            new String[] {"ping", "send a discovery round now and report who is new"},
            new String[] {"cancel", "cancel NAME: stop a download and delete its partial file"},
            new String[] {"stats", "the loop's counters"},
            new String[] {"trace", "trace on|off: show what the loop does, on stderr or the --trace-file"},
            new String[] {"rate", "rate [up|down RATE]: show or change the rate limits (500k, 20M; 0 = unlimited)"},
            new String[] {"help", "this list"},
            new String[] {"quit", "stop the node and leave (also: exit, Ctrl-D)"});

    private static final long QUERY_SECONDS = 10;
    private static final long PING_SETTLE_MILLIS = 1000;

    private final Node node;
    private final Output out;
    private final Downloads downloads;
    private final Set<String> names;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "p2p-shell-timer");
        t.setDaemon(true);
        return t;
    });

    /**
     * An interpreter that drives {@code node} and writes to {@code out}.
     *
     * @param downloads where the downloads it starts are tracked
     * @param names     names seen asked for or served, for Tab completion; it adds the ones it asks for
     */
    public Interpreter(Node node, Output out, Downloads downloads, Set<String> names) {
        this.node = node;
        this.out = out;
        this.downloads = downloads;
        this.names = names;
    }

    /**
     * Runs one line.
     *
     * @return false when the user asked to quit
     */
    public boolean execute(String line) {
        String[] words = line.strip().split("\\s+");
        if (words[0].isEmpty() || words[0].startsWith("#")) {
            return true;
        }
        String cmd = words[0];
        List<String> args = List.of(words).subList(1, words.length);
        try {
            switch (cmd) {
                case "list", "peers" -> noArgs(cmd, args, () -> Text.peers(await(node.peers())).forEach(out::print));
                case "get" -> get(args);
                case "transfers" -> noArgs(cmd, args, () -> Text.transfers(await(node.transfers())).forEach(out::print));
                case "files" -> noArgs(cmd, args, this::files);
                case "browse", "ls" -> noArgs(cmd, args, this::browse);
                case "add" -> add(args);
                case "ping" -> noArgs(cmd, args, this::ping);
                case "cancel" -> cancel(args);
                case "stats" -> noArgs(cmd, args, () -> Text.stats(await(node.stats())).forEach(out::print));
                case "trace" -> trace(args);
                case "rate" -> rate(args);
                case "help", "?" -> COMMANDS.forEach(c -> out.print(String.format("  %-10s %s", c[0], c[1])));
                case "quit", "exit" -> {
                    return false;
                }
                default -> out.print("unknown command '" + cmd + "'; type help for the list");
            }
        } catch (IllegalStateException e) {
            out.print("error: " + e.getMessage());
        }
        return true;
    }

    private void noArgs(String cmd, List<String> args, Runnable action) {
        if (!args.isEmpty()) {
            out.print(cmd + " takes no arguments");
            return;
        }
        action.run();
    }

    /**
     * Lists the folder as the node's index sees it, read now (a pure directory walk, no channel)
     * so that files added a moment ago show; the node is asked to rebuild its index as well.
     */
    private void files() {
        List<NodeEvent.FileInfo> files = Node.sharedFiles(node.config().folder());
        java.util.Map<String, NodeEvent.FileInfo> indexed = new java.util.HashMap<>();
        try {
            node.files().get(5, java.util.concurrent.TimeUnit.SECONDS).forEach(f -> indexed.put(f.name(), f));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            out.print("(digests unavailable: the node did not answer: " + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.post(new Command.ListFiles());
        List<NodeEvent.FileInfo> shown = new java.util.ArrayList<>();
        for (NodeEvent.FileInfo f : files) {
            NodeEvent.FileInfo known = indexed.get(f.name());
            shown.add(known != null && known.size() == f.size() ? new NodeEvent.FileInfo(f.name(), f.size(), known.sha256()) : f);
        }
        Text.files(shown).forEach(out::print);
    }

    /** Asks the peers that can browse what they share; their names become Tab completions after {@code get}. */
    private void browse() {
        NodeEvent.BrowseReport report = await(node.browse());
        report.files().forEach(f -> names.add(f.name()));
        Text.browse(report).forEach(out::print);
    }

    private void get(List<String> args) {
        if (args.isEmpty()) {
            out.print("usage: get NAME [NAME...]");
            return;
        }
        for (String name : args) {
            String why = FileName.whyNotRequestable(name);
            if (why != null) {
                out.print("cannot request '" + name + "': " + why);
                continue;
            }
            names.add(name);
            downloads.started(name);
            node.post(new Command.Fetch(name));
        }
    }

    private void add(List<String> args) {
        if (args.size() != 1) {
            out.print("usage: add HOST:PORT");
            return;
        }
        String why = PeerAddress.whyInvalid(args.get(0));
        if (why != null) {
            out.print("cannot add '" + args.get(0) + "': it " + why);
            return;
        }
        node.post(new Command.AddPeer(args.get(0)));
    }

    private void cancel(List<String> args) {
        if (args.isEmpty()) {
            out.print("usage: cancel NAME [NAME...]");
            return;
        }
        args.forEach(name -> node.post(new Command.Cancel(name)));
    }

    private void trace(List<String> args) {
        if (args.size() != 1 || !(args.get(0).equals("on") || args.get(0).equals("off"))) {
            out.print("usage: trace on|off");
            return;
        }
        boolean on = args.get(0).equals("on");
        node.trace(on);
        out.print("trace " + (on ? "on" : "off"));
    }

    /** {@code rate} shows the limits; {@code rate up 5M} or {@code rate down 0} changes one (answered by an event). */
    private void rate(List<String> args) {
        if (args.isEmpty()) {
            out.print(Text.rateLimits(await(node.rateLimits())));
            return;
        }
        Command.Direction direction = args.size() != 2 ? null : switch (args.get(0)) {
            case "up", "upload" -> Command.Direction.UPLOAD;
            case "down", "download" -> Command.Direction.DOWNLOAD;
            default -> null;
        };
        if (direction == null) {
            out.print("usage: rate [up|down RATE]   (RATE: 500k, 1.5M, 20M, 1G; 0 or off = unlimited)");
            return;
        }
        try {
            node.post(new Command.SetRateLimit(direction, ByteRate.parse(args.get(1), "rate")));
        } catch (UsageError e) {
            out.print(e.getMessage());
        }
    }

    private void ping() {
        Set<String> before = addresses(await(node.peers()));
        node.post(new Command.DiscoverNow());
        later.schedule(() -> node.peers().thenAccept(now -> {
            Set<String> fresh = addresses(now);
            fresh.removeAll(before);
            out.print(fresh.isEmpty() ? "ping: no new peers (" + now.size() + " known)"
                    : "ping: new peers: " + String.join(", ", fresh));
        }), PING_SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static Set<String> addresses(List<NodeEvent.PeerInfo> peers) {
        return peers.stream().map(NodeEvent.PeerInfo::address).collect(Collectors.toCollection(HashSet::new));
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(QUERY_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the node did not answer within " + QUERY_SECONDS + " s");
        }
    }

    /** Stops the interpreter's timer. */
    public void close() {
        later.shutdownNow();
    }
}
