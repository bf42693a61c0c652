package p2pnio.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What a request line and a transfer header parse to, decided from the whole input at once and
 * written from PROTOCOL.md with string operations, independently of the incremental parsers (no
 * code shared with them): the expected values that the split tests pin, so that a parser that
 * gives one wrong answer for every split of an input fails, and not only one that disagrees with
 * itself.
 */
public final class ReferenceParsing {

    /** A parse: its status, its value when done (the line, or the header), and the bytes taken. */
    public record Parse(String status, Object value, int consumed) { }

    private ReferenceParsing() {
    }

    /**
     * The request line: the bytes before the first {@code \n}, if the line with its newline holds
     * at most {@code maxBytes} bytes. A line that would be longer is refused as soon as byte
     * {@code maxBytes + 1} arrives without a newline before it; bytes after the newline are not
     * taken. At the end of the input ({@code ended}), a line without its newline still counts.
     */
    public static Parse requestLine(byte[] input, int maxBytes, boolean ended) {
        String all = new String(input, StandardCharsets.ISO_8859_1); // one char per byte: indexes are offsets
        int newline = all.indexOf('\n');
        if (newline >= 0 && newline + 1 <= maxBytes) {
            return new Parse("DONE", utf8(input, 0, newline), newline + 1);
        }
        if (input.length > maxBytes) {
            return new Parse("TOO_LONG", null, maxBytes + 1);
        }
        if (ended && input.length > 0) {
            return new Parse("DONE", utf8(input, 0, input.length), input.length);
        }
        return new Parse("NEED_MORE", null, input.length);
    }

    /**
     * The header: SIZE is the first 10 bytes without their trailing {@code ':'}, one to ten
     * decimal digits; NAME the next 64 without theirs, as UTF-8. Bytes after the 74 are not taken.
     */
    public static Parse header(byte[] input) {
        if (input.length < TransferHeader.BYTES) {
            return new Parse("NEED_MORE", null, input.length);
        }
        String size = new String(input, 0, 10, StandardCharsets.ISO_8859_1).replaceFirst(":+$", "");
        if (!size.matches("[0-9]{1,10}")) {
            return new Parse("ERROR", null, TransferHeader.BYTES);
        }
        byte[] name = Arrays.copyOfRange(input, 10, TransferHeader.BYTES);
        int end = name.length;
        while (end > 0 && name[end - 1] == ':') {
            end--;
        }
        return new Parse("DONE", new TransferHeader(Long.parseLong(size), utf8(name, 0, end)), TransferHeader.BYTES);
    }

    private static String utf8(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
}
