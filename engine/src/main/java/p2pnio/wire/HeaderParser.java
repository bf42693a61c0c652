package p2pnio.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@link TransferHeader} incrementally: feed it whatever arrived, in any number of pieces,
 * and it takes exactly the 74 header bytes, leaving what follows (the start of the body) in the
 * buffer.
 *
 * <p>Pure: it never touches a channel, never allocates per call, and holds at most 74 bytes.
 * Once it has given a result or an error it stays there.
 */
public final class HeaderParser {

    /** Where a parse stands. */
    public enum Status { NEED_MORE, DONE, ERROR }

    private final byte[] bytes = new byte[TransferHeader.BYTES];
    private int filled;
    private Status status = Status.NEED_MORE;
    private TransferHeader header;
    private String error;

    /**
     * Takes header bytes from {@code in} (up to the 74 still missing) and returns the status.
     * Bytes after the header stay in {@code in}.
     */
    public Status feed(ByteBuffer in) {
        if (status != Status.NEED_MORE) {
            return status;
        }
        int n = Math.min(in.remaining(), bytes.length - filled);
        in.get(bytes, filled, n);
        filled += n;
        if (filled == bytes.length) {
            parse();
        }
        return status;
    }

    /** The header, once {@link Status#DONE}. */
    public TransferHeader header() {
        return header;
    }

    /** Why the header is bad, once {@link Status#ERROR}. */
    public String error() {
        return error;
    }

    /** Header bytes taken so far (0 to 74). */
    public int bytesTaken() {
        return filled;
    }

    /** The current status. */
    public Status status() {
        return status;
    }

    private void parse() {
        int sizeEnd = trimPadding(0, TransferHeader.SIZE_BYTES);
        if (sizeEnd == 0) {
            fail("SIZE field is empty");
            return;
        }
        long size = 0;
        for (int i = 0; i < sizeEnd; i++) {
            byte b = bytes[i];
            if (b < '0' || b > '9') {
                fail("SIZE field is not a decimal number");
                return;
            }
            size = size * 10 + (b - '0');
        }
        int nameEnd = trimPadding(TransferHeader.SIZE_BYTES, TransferHeader.BYTES);
        String name = new String(bytes, TransferHeader.SIZE_BYTES, nameEnd - TransferHeader.SIZE_BYTES,
                StandardCharsets.UTF_8);
        header = new TransferHeader(size, name);
        status = Status.DONE;
    }

    private int trimPadding(int from, int to) {
        int end = to;
        while (end > from && bytes[end - 1] == TransferHeader.PAD) {
            end--;
        }
        return end;
    }

    private void fail(String why) {
        error = why;
        status = Status.ERROR;
    }
}
