package p2pnio.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p2pnio.testkit.Seeds;

/**
 * Both incremental parsers give the expected answer however the bytes are split into reads: what
 * was encoded, or what the independent whole-input reading ({@link ReferenceParsing}) gives.
 */
class ParserSplitTest {

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void headerEncodesTheDocumentedExample() {
        byte[] h = TransferHeader.encode(33, "a.txt");
        assertThat(new String(h, StandardCharsets.US_ASCII)).isEqualTo("33::::::::" + "a.txt" + ":".repeat(59));
    }

    @Test
    void headerCutsLongNamesAt64BytesAndRefusesSizesThatDoNotFit() {
        String name = "n".repeat(100);
        byte[] h = TransferHeader.encode(TransferHeader.MAX_SIZE, name);
        assertThat(new String(h, StandardCharsets.US_ASCII)).isEqualTo("9999999999" + "n".repeat(64));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TransferHeader.encode(10_000_000_000L, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerParsedByteAtATimeLeavesTheBodyInTheBuffer() {
        byte[] wire = concat(TransferHeader.encode(5, "hello.txt"), "HELLOextra".getBytes(StandardCharsets.US_ASCII));
        HeaderParser p = new HeaderParser();
        ByteBuffer in = ByteBuffer.wrap(wire);
        for (int i = 0; i < TransferHeader.BYTES - 1; i++) {
            ByteBuffer one = ByteBuffer.wrap(wire, i, 1);
            assertThat(p.feed(one)).isEqualTo(HeaderParser.Status.NEED_MORE);
            assertThat(one.hasRemaining()).isFalse();
        }
        in.position(TransferHeader.BYTES - 1);
        assertThat(p.feed(in)).isEqualTo(HeaderParser.Status.DONE);
        assertThat(p.header()).isEqualTo(new TransferHeader(5, "hello.txt"));
        assertThat(in.remaining()).isEqualTo("HELLOextra".length());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::::::::::", "-1::::::::", "12a:::::::", "1:2:::::::", " 12:::::::"})
    void headerWithABadSizeIsAnError(String size) {
        byte[] wire = (size + "x".repeat(64)).getBytes(StandardCharsets.US_ASCII);
        HeaderParser p = new HeaderParser();
        assertThat(p.feed(ByteBuffer.wrap(wire))).isEqualTo(HeaderParser.Status.ERROR);
        assertThat(p.error()).contains("SIZE");
    }

    @Test
    void headerGivesTheEncodedHeaderForAnySplit() throws Exception {
        Seeds.run("200 headers split at random", random -> {
            for (int i = 0; i < 200; i++) {
                long size = Math.floorMod(random.nextLong(), TransferHeader.MAX_SIZE + 1);
                String name = "f" + random.nextInt(1_000_000) + ".bin";
                byte[] wire = TransferHeader.encode(size, name);
                boolean garbled = random.nextInt(4) == 0;
                if (garbled) {
                    wire[random.nextInt(wire.length)] = (byte) random.nextInt(256);
                }
                // What the header must parse to: what was encoded, or (garbled) what the reference reading says.
                ReferenceParsing.Parse expected = garbled ? ReferenceParsing.header(wire)
                        : new ReferenceParsing.Parse("DONE", new TransferHeader(size, name), TransferHeader.BYTES);
                HeaderParser split = new HeaderParser();
                int at = 0;
                while (at < wire.length) {
                    int n = 1 + random.nextInt(Math.min(20, wire.length - at));
                    split.feed(ByteBuffer.wrap(wire, at, n));
                    at += n;
                }
                assertThat(split.status().name()).as("status of %s", name).isEqualTo(expected.status());
                assertThat(split.header()).isEqualTo(expected.value());
                assertThat(split.bytesTaken()).isEqualTo(expected.consumed());
            }
        });
    }

    @Test
    void requestLineAcrossByteAtATimeReads() {
        byte[] wire = "Get,movie.mkv\nleftover".getBytes(StandardCharsets.US_ASCII);
        RequestLineParser p = new RequestLineParser(2048);
        int i = 0;
        RequestLineParser.Status s = RequestLineParser.Status.NEED_MORE;
        while (s == RequestLineParser.Status.NEED_MORE) {
            s = p.feed(ByteBuffer.wrap(wire, i++, 1));
        }
        assertThat(s).isEqualTo(RequestLineParser.Status.DONE);
        assertThat(p.line()).isEqualTo("Get,movie.mkv");
        assertThat(i).isEqualTo("Get,movie.mkv\n".length());
    }

    @Test
    void requestLineLongerThanTheBoundIsRefusedBeforeItsEnd() {
        RequestLineParser p = new RequestLineParser(16);
        assertThat(p.feed(ByteBuffer.wrap("Get,0123456789a\n".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(RequestLineParser.Status.DONE); // exactly 16 bytes with the newline
        RequestLineParser q = new RequestLineParser(16);
        assertThat(q.feed(ByteBuffer.wrap("Get,0123456789ab".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(RequestLineParser.Status.NEED_MORE);
        assertThat(q.feed(ByteBuffer.wrap("c".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(RequestLineParser.Status.TOO_LONG);
        assertThat(q.bytesHeld()).isLessThanOrEqualTo(16);
    }

    @Test
    void requestLineWithoutNewlineCountsAtEndOfInput() {
        RequestLineParser p = new RequestLineParser(64);
        p.feed(ByteBuffer.wrap("Get,a.txt".getBytes(StandardCharsets.US_ASCII)));
        assertThat(p.endOfInput()).isEqualTo(RequestLineParser.Status.DONE);
        assertThat(p.line()).isEqualTo("Get,a.txt");
        assertThat(new RequestLineParser(64).endOfInput()).isEqualTo(RequestLineParser.Status.NEED_MORE);
    }

    @Test
    void requestLineGivesTheExpectedLineForAnySplit() throws Exception {
        Seeds.run("200 request lines split at random", random -> {
            for (int i = 0; i < 200; i++) {
                int len = random.nextInt(80);
                byte[] wire = new byte[len];
                for (int j = 0; j < len; j++) {
                    wire[j] = (byte) (random.nextInt(10) == 0 ? '\n' : 'a' + random.nextInt(26));
                }
                ReferenceParsing.Parse expected = ReferenceParsing.requestLine(wire, 40, false);
                RequestLineParser split = new RequestLineParser(40);
                int at = 0;
                int consumed = 0;
                while (at < wire.length) {
                    int n = 1 + random.nextInt(Math.min(7, wire.length - at));
                    ByteBuffer piece = ByteBuffer.wrap(wire, at, n);
                    split.feed(piece);
                    consumed += n - piece.remaining();
                    at += n;
                }
                String text = new String(wire, StandardCharsets.US_ASCII);
                assertThat(split.status().name()).as("status of '%s'", text).isEqualTo(expected.status());
                assertThat(split.line()).as("line of '%s'", text).isEqualTo(expected.value());
                assertThat(consumed).as("bytes taken of '%s'", text).isEqualTo(expected.consumed());
            }
        });
    }
}
