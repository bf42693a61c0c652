package p2pnio.cli.out;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * Standard error as a terminal, for {@code get}: lines printed scroll up as usual, and the
 * progress lines stay below the last of them, redrawn in place by JLine's {@link Display} (which
 * moves the cursor with the terminal's own capabilities: nothing here writes a cursor code by
 * hand). Progress lines are cut to the terminal's width so that they never wrap.
 *
 * <p>Opened only when standard error is a terminal, or when the user forces the bar into a pipe
 * or a file ({@code --progress}): there the line is redrawn with carriage returns only (the
 * dumb terminal's one capability), as curl and pv do, and only its first line is shown.
 */
public final class TerminalOutput extends Output implements AutoCloseable {

    private static final int WIDTH_WITHOUT_SIZE = 80;

    private final Terminal terminal;
    private final Display display;
    private List<AttributedString> shown = List.of();
    private boolean closed;
    private int dumbWidth; // columns the last carriage-return line took, to blank them out

    private TerminalOutput(Terminal terminal) {
        this.terminal = terminal;
        this.display = new Display(terminal, false);
    }

    /**
     * Standard error as a terminal, or null when it is not one and {@code force} is false.
     *
     * @param env  the environment: {@code TERM} names the terminal when standard input is not one
     * @param err  standard error, written to when it is not a terminal the system can open
     * @throws IOException if JLine cannot open the terminal
     */
    public static TerminalOutput openStderr(Map<String, String> env, PrintStream err, boolean force) throws IOException {
        boolean errIsTerminal = isTerminal(SystemStream.Error);
        if (!errIsTerminal && !force) {
            return null;
        }
        Terminal terminal;
        if (errIsTerminal && isTerminal(SystemStream.Input)) {
            // The system terminal knows its size. JLine's own signal handlers stay off, so that
            // Ctrl-C still runs the JVM's shutdown hooks (the node deletes its partial file).
            terminal = TerminalBuilder.builder().name("p2p").system(true)
                    .systemOutput(TerminalBuilder.SystemOutput.SysErr).nativeSignals(false).build();
        } else {
            String type = errIsTerminal ? env.getOrDefault("TERM", "ansi") : Terminal.TYPE_DUMB;
            terminal = TerminalBuilder.builder().name("p2p").system(false)
                    .streams(InputStream.nullInputStream(), err).type(type)
                    .size(new Size(columns(env), 1)).build();
        }
        return new TerminalOutput(terminal);
    }

    /**
     * True if one of JLine's providers says {@code stream} is a terminal. A provider that cannot
     * load here (no native library, no {@code stty}) cannot tell, and is passed over.
     */
    private static boolean isTerminal(SystemStream stream) {
        for (String name : List.of(TerminalBuilder.PROP_PROVIDER_JNI, TerminalBuilder.PROP_PROVIDER_EXEC)) {
            try {
                if (TerminalProvider.load(name).isSystemStream(stream)) {
                    return true;
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                // this provider cannot tell; the next one may
            }
        }
        return false;
    }

    private static int columns(Map<String, String> env) {
        try {
            int c = Integer.parseInt(env.getOrDefault("COLUMNS", ""));
            return c > 0 ? c : WIDTH_WITHOUT_SIZE;
        } catch (NumberFormatException e) {
            return WIDTH_WITHOUT_SIZE;
        }
    }

    /** True when it draws on a real terminal rather than with carriage returns into a pipe. */
    public boolean isRealTerminal() {
        return !terminal.getType().startsWith(Terminal.TYPE_DUMB);
    }

    @Override
    protected synchronized void write(String safeLine) {
        if (closed) {
            return;
        }
        if (isRealTerminal()) {
            display.update(List.of(), 0);
            terminal.writer().println(safeLine);
            terminal.flush();
            display.reset();
        } else {
            overwrite(safeLine);
            terminal.writer().println();
            dumbWidth = 0;
        }
        redraw();
    }

    @Override
    protected synchronized void draw(List<String> safeLines) {
        List<AttributedString> lines = new ArrayList<>();
        for (String line : safeLines) {
            lines.add(new AttributedString(line, AttributedStyle.DEFAULT));
        }
        shown = lines;
        redraw();
    }

    private void redraw() {
        if (closed) {
            return;
        }
        if (!isRealTerminal()) {
            overwrite(shown.isEmpty() ? "" : shown.get(0).toString());
            terminal.flush();
            return;
        }
        Size size = terminal.getSize();
        int columns = size.getColumns() > 0 ? size.getColumns() : WIDTH_WITHOUT_SIZE;
        display.resize(Math.max(1, size.getRows()), columns);
        List<AttributedString> fitted = new ArrayList<>();
        for (AttributedString line : shown) {
            // one column short of the edge: a line that fills it would wrap on some terminals
            fitted.add(line.columnLength() < columns ? line : line.columnSubSequence(0, columns - 1));
        }
        display.update(fitted, -1);
    }

    /** Carriage return, then {@code text} padded with blanks over what the line held before. */
    private void overwrite(String text) {
        terminal.puts(Capability.carriage_return);
        terminal.writer().print(text);
        int width = new AttributedString(text).columnLength();
        if (width < dumbWidth) {
            terminal.writer().print(" ".repeat(dumbWidth - width));
            terminal.puts(Capability.carriage_return);
            terminal.writer().print(text);
        }
        dumbWidth = width;
    }

    /** Erases the progress lines and gives the terminal back. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        shown = List.of();
        if (isRealTerminal()) {
            display.update(List.of(), 0);
        } else if (dumbWidth > 0) {
            overwrite("");
        }
        closed = true;
        terminal.flush();
        terminal.close();
    }
}
