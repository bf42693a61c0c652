package p2pnio.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both incremental parsers give the same answer however the bytes are split into reads. */
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

    @RepeatedTest(200)
    void headerGivesTheOneShotResultForAnySplit() {
        Random random = new Random();
        long size = Math.floorMod(random.nextLong(), TransferHeader.MAX_SIZE + 1);
        String name = "f" + random.nextInt(1_000_000) + ".bin";
        byte[] wire = TransferHeader.encode(size, name);
        if (random.nextInt(4) == 0) {
            wire[random.nextInt(wire.length)] = (byte) random.nextInt(256); // sometimes garbage
        }
        HeaderParser oneShot = new HeaderParser();
        oneShot.feed(ByteBuffer.wrap(wire));
        HeaderParser split = new HeaderParser();
        int at = 0;
        while (at < wire.length) {
            int n = 1 + random.nextInt(Math.min(20, wire.length - at));
            split.feed(ByteBuffer.wrap(wire, at, n));
            at += n;
        }
        assertThat(split.status()).isEqualTo(oneShot.status());
        assertThat(split.header()).isEqualTo(oneShot.header());
        assertThat(split.error()).isEqualTo(oneShot.error());
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

    @RepeatedTest(200)
    void requestLineGivesTheOneShotResultForAnySplit() {
        Random random = new Random();
        int len = random.nextInt(80);
        byte[] wire = new byte[len];
        for (int i = 0; i < len; i++) {
            wire[i] = (byte) (random.nextInt(10) == 0 ? '\n' : 'a' + random.nextInt(26));
        }
        RequestLineParser oneShot = new RequestLineParser(40);
        ByteBuffer whole = ByteBuffer.wrap(wire);
        oneShot.feed(whole);
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
        assertThat(split.status()).isEqualTo(oneShot.status());
        assertThat(split.line()).isEqualTo(oneShot.line());
        if (oneShot.status() == RequestLineParser.Status.DONE) {
            assertThat(consumed).isEqualTo(whole.position());
        }
    }
}
