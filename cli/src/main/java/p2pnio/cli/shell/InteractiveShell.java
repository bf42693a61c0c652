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
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.PeerAddress;
import p2pnio.Visible;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.LineSink;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.ProgressTicker;
import p2pnio.cli.settings.Defaults;
import p2pnio.cli.settings.Launch;
import p2pnio.cli.settings.NodeOptions;
import p2pnio.cli.settings.Settings;
import p2pnio.cli.settings.UsageError;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.reader.impl.history.DefaultHistory;
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
 *
 * <p>Everything it prints goes through one {@link Output}, so nothing a peer sent reaches the
 * terminal raw.
 */
public final class InteractiveShell {

    private final Launch launch;
    private final Settings settings;
    private final NodeOptions options;

    /** A shell for a node with these settings; {@link #run()} starts it. */
    public InteractiveShell(Launch launch, Settings settings, NodeOptions options) {
        this.launch = launch;
        this.settings = settings;
        this.options = options;
    }

    /** Runs the shell until the user quits; returns the exit status. */
    public int run() throws IOException {
        Path workDir = launch.workDir();
        Set<String> names = new ConcurrentSkipListSet<>();
        try (Terminal terminal = TerminalBuilder.builder().name("p2p").system(true).build()) {
            PromptReader reader = new PromptReader(terminal);
            reader.setCompleter(completer(names));
            reader.setVariable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".p2p_history"));
            reader.option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
            Status status = Status.getStatus(terminal);
            Output out = new TerminalAbovePrompt(reader, status);
            Path folder;
            List<String> cluster;
            try {
                folder = settings.folder() != null ? existing(settings.folder()) : askFolder(reader, out, workDir);
                cluster = settings.cluster() != null ? settings.cluster() : askPeers(reader, out);
            } catch (UserInterruptException | EndOfFileException e) {
                return 130;
            }
            NodeConfig config = settings.toConfig(folder, cluster);
            try {
                return serve(reader, out, config, names);
            } finally {
                if (status != null) {
                    status.close();
                }
            }
        }
    }

    /**
     * JLine's line reader, which also lets the progress lines be drawn under its lock: JLine redraws
     * the status area itself (on every key, on every {@code printAbove}) and {@link Status} is not
     * thread-safe, so the ticker must never draw while the reader does.
     */
    private static final class PromptReader extends LineReaderImpl {
        PromptReader(Terminal terminal) throws IOException {
            super(terminal, "p2p");
            setHistory(new DefaultHistory());
        }

        void underLock(Runnable action) {
            lock.lock();
            try {
                action.run();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The terminal side of the one door: lines above the prompt (JLine redraws what the user was
     * typing below them), headings in bold, progress lines in the status area at the bottom.
     */
    private static final class TerminalAbovePrompt extends Output {
        private final PromptReader reader;
        private final Status status;

        TerminalAbovePrompt(PromptReader reader, Status status) {
            this.reader = reader;
            this.status = status;
        }

        @Override
        protected void write(String safeLine) {
            reader.printAbove(safeLine);
        }

        @Override
        protected void writeHeading(String safeLine) {
            reader.printAbove(new AttributedString(safeLine, AttributedStyle.BOLD));
        }

        @Override
        protected void draw(List<String> safeLines) {
            if (status == null) {
                return;
            }
            List<AttributedString> styled = new ArrayList<>();
            safeLines.forEach(l -> styled.add(new AttributedString(l, AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN))));
            reader.underLock(() -> status.update(styled));
        }
    }

    private int serve(LineReader reader, Output out, NodeConfig config, Set<String> names) throws IOException {
        Downloads downloads = new Downloads();
        ShellListener listener = new ShellListener(out, downloads, names);
        PrintStream traceOut = options.traceToFile() ? options.traceOut(launch)
                : new PrintStream(new LineSink(out::print), true, StandardCharsets.UTF_8);
        try (Node node = Node.start(config, listener, traceOut)) {
            node.trace(options.traceOn());
            // SIGINT/SIGTERM outside the prompt: stop cleanly, so no partial download is left behind
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "p2p-shutdown"));
            String self = PeerAddress.of(node.controlAddress());
            out.heading("p2p-nio node " + self + " (udp), tcp " + PeerAddress.of(node.transferAddress())
                    + ", sharing " + config.folder() + ", " + config.cluster().size() + " configured peer(s). Type help.");
            listener.open();
            Interpreter interpreter = new Interpreter(node, out, downloads, names);
            ProgressTicker ticker = ProgressTicker.start(downloads, out);
            try {
                loop(reader, out, interpreter, "p2p " + self + "> ");
            } finally {
                ticker.close();
            }
            interpreter.close();
            out.print("stopping the node");
        }
        return 0;
    }

    private static void loop(LineReader reader, Output out, Interpreter interpreter, String prompt) {
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
                out.print("(Ctrl-C again or quit to leave)");
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

    private static Path existing(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new UsageError("folder: '" + folder + "' is not an existing directory");
        }
        return folder;
    }

    private static Path askFolder(LineReader reader, Output out, Path workDir) {
        while (true) {
            String answer = reader.readLine("Shared folder [" + Defaults.FOLDER + "]: ").strip();
            Path folder = workDir.resolve(answer.isEmpty() ? Defaults.FOLDER.toString() : answer).normalize();
            if (Files.isDirectory(folder)) {
                return folder;
            }
            if (Files.exists(folder)) {
                out.print("'" + folder + "' is not a directory");
                continue;
            }
            String create = reader.readLine(Visible.text("'" + folder + "' does not exist. Create it? [Y/n] ")).strip();
            if (create.isEmpty() || create.equalsIgnoreCase("y") || create.equalsIgnoreCase("yes")) {
                try {
                    return Files.createDirectories(folder);
                } catch (IOException e) {
                    out.print("cannot create '" + folder + "': " + e.getMessage());
                }
            }
        }
    }

    private static List<String> askPeers(LineReader reader, Output out) {
        List<String> peers = new ArrayList<>();
        out.print("Peers to start from, one ip:port per line; an empty line or q ends.");
        while (true) {
            String answer = reader.readLine("Peer " + (peers.size() + 1) + ": ").strip();
            if (answer.isEmpty() || answer.equals("q")) {
                return peers;
            }
            String why = PeerAddress.whyInvalid(answer);
            if (why != null) {
                out.print("'" + answer + "' " + why);
            } else if (!peers.contains(answer)) {
                peers.add(answer);
            }
        }
    }

    /** Completes command names, and after {@code get} or {@code cancel} the names seen so far (asked for, served, or seen by {@code browse}). */
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
