package p2pnio.cli.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.PeerAddress;
import p2pnio.cli.Main;
import p2pnio.cli.NodeOptions;
import p2pnio.cli.Settings;
import p2pnio.cli.UsageError;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Status;

/**
 * The shell on a terminal: JLine's line editor with history (in {@code ~/.p2p_history}) and Tab
 * completion, events printed above the prompt, and a status line at the bottom that shows the
 * progress of running downloads, redrawn four times a second at most. The trace, unless it goes
 * to a {@code --trace-file}, is printed above the prompt too.
 *
 * <p>Start-up asks for what no option, environment variable or config.yml gave: the shared folder
 * (until it is an existing directory; {@code ./shared} by default, created on request), then the
 * peers, one {@code ip:port} per line until an empty line or {@code q}.
 */
final class InteractiveShell {

    private static final long PROGRESS_MILLIS = 250;

    private final Settings settings;
    private final NodeOptions options;

    InteractiveShell(Settings settings, NodeOptions options) {
        this.settings = settings;
        this.options = options;
    }

    int run() throws IOException {
        Path workDir = Main.Environment.workDir();
        Set<String> names = new ConcurrentSkipListSet<>();
        try (Terminal terminal = TerminalBuilder.builder().name("p2p").system(true).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("p2p")
                    .completer(completer(names))
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".p2p_history"))
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .build();
            Path folder;
            List<String> cluster;
            try {
                folder = settings.folder() != null ? existing(settings.folder()) : askFolder(reader, workDir);
                cluster = settings.cluster() != null ? settings.cluster() : askPeers(reader);
            } catch (UserInterruptException | EndOfFileException e) {
                return 130;
            }
            NodeConfig config = settings.toConfig(folder, cluster);
            return serve(terminal, reader, config, names);
        }
    }

    private int serve(Terminal terminal, LineReader reader, NodeConfig config, Set<String> names) throws IOException {
        Status status = Status.getStatus(terminal);
        Output out = new Output() {
            @Override
            public void print(String line) {
                reader.printAbove(line);
            }

            @Override
            public synchronized void progress(List<String> lines) {
                if (status == null) {
                    return;
                }
                List<AttributedString> styled = new ArrayList<>();
                lines.forEach(l -> styled.add(new AttributedString(l, AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN))));
                status.update(styled);
            }
        };
        Downloads downloads = new Downloads();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2p-progress");
            t.setDaemon(true);
            return t;
        });
        ShellListener listener = new ShellListener(out, downloads, names);
        PrintStream traceOut = Main.traceToFile(options) ? Main.traceOut(options)
                : new PrintStream(new LineSink(reader::printAbove), true, StandardCharsets.UTF_8);
        try (Node node = Node.start(config, listener, traceOut)) {
            node.trace(Main.traceOn(options));
            // SIGINT/SIGTERM outside the prompt: stop cleanly, so no partial download is left behind
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "p2p-shutdown"));
            String self = PeerAddress.of(node.controlAddress());
            reader.printAbove(new AttributedString("p2p-nio node " + self + " (udp), tcp " + PeerAddress.of(node.transferAddress())
                    + ", sharing " + config.folder() + ", " + config.cluster().size() + " configured peer(s). Type help.",
                    AttributedStyle.BOLD));
            listener.open();
            ticker.scheduleAtFixedRate(new ProgressPainter(downloads, out), PROGRESS_MILLIS, PROGRESS_MILLIS, TimeUnit.MILLISECONDS);
            Interpreter interpreter = new Interpreter(node, out, downloads, names);
            loop(reader, interpreter, "p2p " + self + "> ");
            ticker.shutdownNow();
            out.progress(List.of());
            interpreter.close();
            reader.printAbove("stopping the node");
        } finally {
            ticker.shutdownNow();
            if (status != null) {
                status.close();
            }
        }
        return 0;
    }

    private static void loop(LineReader reader, Interpreter interpreter, String prompt) {
        boolean interruptedOnce = false;
        while (true) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                if (interruptedOnce) {
                    return;
                }
                interruptedOnce = true;
                reader.printAbove("(Ctrl-C again or quit to leave)");
                continue;
            } catch (EndOfFileException e) {
                return;
            }
            interruptedOnce = false;
            if (!interpreter.execute(line)) {
                return;
            }
        }
    }

    /** Redraws the status line only when what it shows has changed. */
    private static final class ProgressPainter implements Runnable {
        private final Downloads downloads;
        private final Output out;
        private List<String> shown = List.of();

        ProgressPainter(Downloads downloads, Output out) {
            this.downloads = downloads;
            this.out = out;
        }

        @Override
        public void run() {
            List<String> lines = downloads.progressLines();
            if (!lines.equals(shown)) {
                shown = lines;
                try {
                    out.progress(lines);
                } catch (RuntimeException e) {
                    out.print("progress line failed: " + e);
                }
            }
        }
    }

    private static Path existing(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UsageError("folder: '" + folder + "' is not an existing directory");
        }
        return folder;
    }

    private static Path askFolder(LineReader reader, Path workDir) {
        while (true) {
            String answer = reader.readLine("Shared folder [" + Settings.DEFAULT_FOLDER + "]: ").strip();
            Path folder = workDir.resolve(answer.isEmpty() ? Settings.DEFAULT_FOLDER.toString() : answer).normalize();
            if (Files.isDirectory(folder)) {
                return folder;
            }
            if (Files.exists(folder)) {
                reader.printAbove("'" + folder + "' is not a directory");
                continue;
            }
            String create = reader.readLine("'" + folder + "' does not exist. Create it? [Y/n] ").strip();
            if (create.isEmpty() || create.equalsIgnoreCase("y") || create.equalsIgnoreCase("yes")) {
                try {
                    return Files.createDirectories(folder);
                } catch (IOException e) {
                    reader.printAbove("cannot create '" + folder + "': " + e.getMessage());
                }
            }
        }
    }

    private static List<String> askPeers(LineReader reader) {
        List<String> peers = new ArrayList<>();
        reader.printAbove("Peers to start from, one ip:port per line; an empty line or q ends.");
        while (true) {
            String answer = reader.readLine("Peer " + (peers.size() + 1) + ": ").strip();
            if (answer.isEmpty() || answer.equals("q")) {
                return peers;
            }
            String why = PeerAddress.whyInvalid(answer);
            if (why != null) {
                reader.printAbove("'" + answer + "' " + why);
            } else if (!peers.contains(answer)) {
                peers.add(answer);
            }
        }
    }

    /** Completes command names, and after {@code get} or {@code cancel} the names seen so far. */
    private static Completer completer(Set<String> names) {
        return (reader, line, candidates) -> {
            if (line.wordIndex() == 0) {
                Interpreter.COMMANDS.forEach(c -> candidates.add(new Candidate(c[0], c[0], null, c[1], null, null, true)));
                candidates.add(new Candidate("peers"));
            } else if (line.words().get(0).equals("get") || line.words().get(0).equals("cancel")) {
                names.forEach(n -> candidates.add(new Candidate(n)));
            } else if (line.words().get(0).equals("trace") && line.wordIndex() == 1) {
                candidates.add(new Candidate("on"));
                candidates.add(new Candidate("off"));
            }
        };
    }
}
