package p2pnio.cli.out;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An output stream that hands each complete line to a consumer: the shell and {@code get} turn
 * the node's trace into lines printed above the prompt or the progress bar, so tracing does not
 * scribble over either.
 */
public final class LineSink extends OutputStream {

    private final Consumer<String> lines;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** A stream whose lines go to {@code lines}, without their line break. */
    public LineSink(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            lines.accept(pending.toString(StandardCharsets.UTF_8));
            pending.reset();
        } else if (b != '\r') {
            pending.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }
}
