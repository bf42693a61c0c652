package p2pnio.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The 74-byte header a server sends before a file's body: SIZE in 10 bytes, then NAME in 64,
 * each left-aligned and right-padded with {@code ':'}.
 *
 * @param size the body's length in bytes, 0 to {@link #MAX_SIZE}
 * @param name the file's base name as the header carries it (at most 64 UTF-8 bytes)
 */
public record TransferHeader(long size, String name) {

    /** Bytes of the SIZE field. */
    public static final int SIZE_BYTES = 10;
    /** Bytes of the NAME field. */
    public static final int NAME_BYTES = 64;
    /** Bytes of the whole header. */
    public static final int BYTES = SIZE_BYTES + NAME_BYTES;
    /** The largest size ten decimal digits can announce. */
    public static final long MAX_SIZE = 9_999_999_999L;
    /** The padding byte. */
    public static final byte PAD = ':';

    /**
     * Writes the header for a file of {@code size} bytes called {@code name} into {@code out},
     * exactly as the reference server does: the name's UTF-8 bytes are cut at 64 bytes (which may
     * cut a character in two, as the reference does).
     *
     * @throws IllegalArgumentException if {@code size} is negative or above {@link #MAX_SIZE}
     */
    public static void encode(long size, String name, ByteBuffer out) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("size " + size + " does not fit the 10-digit SIZE field");
        }
        put(Long.toString(size).getBytes(StandardCharsets.US_ASCII), SIZE_BYTES, out);
        put(name.getBytes(StandardCharsets.UTF_8), NAME_BYTES, out);
    }

    /** The 74 header bytes as a new array. */
    public static byte[] encode(long size, String name) {
        ByteBuffer out = ByteBuffer.allocate(BYTES);
        encode(size, name, out);
        return out.array();
    }

    private static void put(byte[] field, int width, ByteBuffer out) {
        int n = Math.min(field.length, width);
        out.put(field, 0, n);
        for (int i = n; i < width; i++) {
            out.put(PAD);
        }
    }
}
