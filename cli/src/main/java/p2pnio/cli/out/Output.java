package p2pnio.cli.out;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import p2pnio.Visible;

/**
 * The one door through which the command line writes text for people: every line, whatever its
 * destination (standard output or error, above the shell's prompt, the status line, the progress
 * bar), passes through {@link Visible#text} here, so a control character that came from the
 * network (a NAME in a header, a reason, a peer's address) shows as {@code \x1b} and never
 * reaches a terminal raw. Subclasses only say where safe lines go; they cannot skip the door.
 *
 * <p>JSON output is written through the same door: {@link Json} escapes the same characters in
 * JSON's own way first, so the door leaves it unchanged.
 */
public abstract class Output {

    /** Prints one line (without a line break) so that it does not disturb what the user is typing. */
    public final void print(String line) {
        write(Visible.text(line));
    }

    /** Prints a line that stands out (the shell's banner); plain where there is no style. */
    public final void heading(String line) {
        writeHeading(Visible.text(line));
    }

    /** Shows the live progress lines, replacing the ones shown before; an empty list hides them. */
    public final void progress(List<String> lines) {
        draw(lines.stream().map(Visible::text).toList());
    }

    /** Writes one line that holds no control character. */
    protected abstract void write(String safeLine);

    /** Writes a heading that holds no control character; by default as a plain line. */
    protected void writeHeading(String safeLine) {
        write(safeLine);
    }

    /** Draws progress lines that hold no control character; by default nothing (a log has no place for them). */
    protected void draw(List<String> safeLines) {
    }

    /** Lines to a stream, one {@code println} each, flushed; no progress lines. */
    public static Output of(PrintStream stream) {
        return new Output() {
            @Override
            protected void write(String safeLine) {
                synchronized (stream) {
                    stream.println(safeLine);
                    stream.flush();
                }
            }
        };
    }

    /** Lines to a consumer (a JLine reader's {@code printAbove}, a test's list); no progress lines. */
    public static Output of(Consumer<String> lines) {
        return new Output() {
            @Override
            protected void write(String safeLine) {
                lines.accept(safeLine);
            }
        };
    }

    /** An output that drops everything (a silenced progress display). */
    public static Output none() {
        return of(line -> { });
    }
}
