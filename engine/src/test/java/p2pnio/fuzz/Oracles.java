package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/**
 * The properties both incremental parsers must keep, shared by the fuzz tests and the table tests:
 * however the input is split into reads, the parser ends where a one-shot parse ends (same status,
 * same result, same bytes consumed), holds no more than its bound, and throws nothing.
 */
final class Oracles {

    private Oracles() {
    }

    /** What a parse of one input gave. */
    record Outcome(String status, Object result, int consumed) { }

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

    /** Asserts that every split of {@code input} parses as the one-shot parse does. */
    static void requestLineSplitInvariant(byte[] input, int maxBytes, List<List<ByteBuffer>> splits) {
        for (boolean end : new boolean[] {false, true}) {
            Outcome whole = parseRequestLine(List.of(ByteBuffer.wrap(input)), maxBytes, end);
            for (List<ByteBuffer> split : splits) {
                assertThat(parseRequestLine(split, maxBytes, end)).as("split into %d reads", split.size())
                        .isEqualTo(whole);
            }
        }
    }

    /** Asserts that every split of {@code input} gives the one-shot header. */
    static void headerSplitInvariant(byte[] input, List<List<ByteBuffer>> splits) {
        Outcome whole = parseHeader(List.of(ByteBuffer.wrap(input)));
        for (List<ByteBuffer> split : splits) {
            assertThat(parseHeader(split)).as("split into %d reads", split.size()).isEqualTo(whole);
        }
    }
}
