package p2pnio.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the line a client sends on a transfer connection ({@code Get,<name>\n}) incrementally,
 * across any number of reads, with a bound on its length: the shape of Netty's
 * {@code LineBasedFrameDecoder}, for exactly one line.
 *
 * <p>Pure: it never touches a channel. It holds at most {@code maxBytes} bytes; a line that
 * would be longer is an error as soon as the bound is passed, without waiting for its end.
 * Bytes after the newline are left in the buffer.
 */
public final class RequestLineParser {

    /** Where a parse stands. */
    public enum Status { NEED_MORE, DONE, TOO_LONG }

    private final int maxBytes;
    private byte[] bytes;
    private int filled;
    private Status status = Status.NEED_MORE;
    private String line;

    /** @param maxBytes most bytes the line may have, its newline included */
    public RequestLineParser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
        this.bytes = new byte[Math.min(maxBytes, 256)];
    }

    /** Takes bytes from {@code in} up to and including the first newline; returns the status. */
    public Status feed(ByteBuffer in) {
        while (status == Status.NEED_MORE && in.hasRemaining()) {
            byte b = in.get();
            if (filled + 1 > maxBytes) {
                status = Status.TOO_LONG;
                break;
            }
            if (b == '\n') {
                line = new String(bytes, 0, filled, StandardCharsets.UTF_8);
                status = Status.DONE;
                break;
            }
            if (filled == bytes.length) {
                byte[] bigger = new byte[Math.min(maxBytes, bytes.length * 2)];
                System.arraycopy(bytes, 0, bigger, 0, filled);
                bytes = bigger;
            }
            bytes[filled++] = b;
        }
        return status;
    }

    /**
     * Ends the input: a peer that closes after a line without its newline (the reference client
     * always sends one) has still said something. Returns the status after this.
     */
    public Status endOfInput() {
        if (status == Status.NEED_MORE && filled > 0) {
            line = new String(bytes, 0, filled, StandardCharsets.UTF_8);
            status = Status.DONE;
        }
        return status;
    }

    /** The line without its newline, once {@link Status#DONE}. */
    public String line() {
        return line;
    }

    /** The current status. */
    public Status status() {
        return status;
    }

    /** Bytes held so far. */
    public int bytesHeld() {
        return filled;
    }
}
