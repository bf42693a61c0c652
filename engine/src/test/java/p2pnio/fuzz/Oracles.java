package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.ReferenceParsing;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/**
 * The properties both incremental parsers must keep, shared by the fuzz tests and the table tests:
 * the one-shot parse gives what an independent whole-input decoder expects
 * ({@link ReferenceParsing}); however the input is split into reads, the parser ends where the
 * one-shot parse ends (same status, same result, same bytes consumed); it holds no more than its
 * bound, and throws nothing.
 */
final class Oracles {

    private Oracles() {
    }

    /** What a parse of one input gave. */
    record Outcome(String status, Object result, int consumed) { }

    /** The input as Java would write it, for failure messages. */
    static String printable(byte[] input) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : input) {
            int c = b & 0xff;
            out.append(c >= 0x20 && c < 0x7f && c != '\\' && c != '"' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return out.append('"').toString();
    }

    static Outcome parseRequestLine(List<ByteBuffer> reads, int maxBytes, boolean thenEnd) {
        RequestLineParser p = new RequestLineParser(maxBytes);
        int consumed = 0;
        for (ByteBuffer read : reads) {
            ByteBuffer b = read.duplicate();
            int before = b.position();
            RequestLineParser.Status s = p.feed(b);
            consumed += b.position() - before;
            assertThat(p.bytesHeld()).as("bytes held").isLessThanOrEqualTo(maxBytes);
            if (s != RequestLineParser.Status.NEED_MORE) {
                break;
            }
        }
        if (thenEnd) {
            p.endOfInput();
        }
        if (p.status() == RequestLineParser.Status.DONE) {
            assertThat(p.line()).doesNotContain("\n");
            assertThat(p.line().length()).isLessThan(maxBytes + 1);
        }
        return new Outcome(p.status().name(), p.line(), consumed);
    }

    static Outcome parseHeader(List<ByteBuffer> reads) {
        HeaderParser p = new HeaderParser();
        int consumed = 0;
        for (ByteBuffer read : reads) {
            ByteBuffer b = read.duplicate();
            int before = b.position();
            HeaderParser.Status s = p.feed(b);
            consumed += b.position() - before;
            assertThat(p.bytesTaken()).isBetween(0, TransferHeader.BYTES);
            if (s != HeaderParser.Status.NEED_MORE) {
                break;
            }
        }
        if (p.status() == HeaderParser.Status.DONE) {
            TransferHeader h = p.header();
            assertThat(h.size()).isBetween(0L, TransferHeader.MAX_SIZE);
            assertThat(consumed).isEqualTo(TransferHeader.BYTES);
            assertThat(h.name()).doesNotEndWith(":");
            return new Outcome("DONE", h, consumed);
        }
        if (p.status() == HeaderParser.Status.ERROR) {
            assertThat(p.error()).isNotBlank();
            return new Outcome("ERROR", p.error(), consumed);
        }
        return new Outcome("NEED_MORE", null, consumed);
    }

    /**
     * Asserts that the one-shot parse of {@code input} gives what {@link ReferenceParsing} expects,
     * and every split of it the same.
     */
    static void requestLineSplitInvariant(byte[] input, int maxBytes, List<List<ByteBuffer>> splits) {
        for (boolean end : new boolean[] {false, true}) {
            Outcome whole = parseRequestLine(List.of(ByteBuffer.wrap(input)), maxBytes, end);
            ReferenceParsing.Parse expected = ReferenceParsing.requestLine(input, maxBytes, end);
            assertThat(new Outcome(whole.status(), whole.result(), whole.consumed()))
                    .as(() -> "one-shot parse of " + printable(input) + " (bound " + maxBytes + ", end of input " + end + ")")
                    .isEqualTo(new Outcome(expected.status(), expected.value(), expected.consumed()));
            for (List<ByteBuffer> split : splits) {
                assertThat(parseRequestLine(split, maxBytes, end)).as("split into %d reads", split.size())
                        .isEqualTo(whole);
            }
        }
    }

    /**
     * Asserts that the one-shot parse of {@code input} gives the header {@link ReferenceParsing}
     * expects (or an error, or a wait for more, where it does), and every split of it the same.
     */
    static void headerSplitInvariant(byte[] input, List<List<ByteBuffer>> splits) {
        Outcome whole = parseHeader(List.of(ByteBuffer.wrap(input)));
        ReferenceParsing.Parse expected = ReferenceParsing.header(input);
        assertThat(new Outcome(whole.status(), whole.status().equals("ERROR") ? null : whole.result(), whole.consumed()))
                .as(() -> "one-shot parse of " + printable(input))
                .isEqualTo(new Outcome(expected.status(), expected.value(), expected.consumed()));
        for (List<ByteBuffer> split : splits) {
            assertThat(parseHeader(split)).as("split into %d reads", split.size()).isEqualTo(whole);
        }
    }
}
