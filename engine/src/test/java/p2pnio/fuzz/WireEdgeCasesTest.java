package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.Names;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/** Table-driven edge cases of every parser, each also checked under every split into reads. */
class WireEdgeCasesTest {

    private static final String PAD64 = ":".repeat(64);

    static Stream<Arguments> datagrams() {
        return Stream.of(
                Arguments.of("empty", new byte[0], DropReason.EMPTY),
                Arguments.of("white space only", b(" \t\r\n "), DropReason.EMPTY),
                Arguments.of("binary garbage", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}, DropReason.NOT_UTF8),
                Arguments.of("cut UTF-8 sequence", new byte[] {'G', 'e', 't', ',', (byte) 0xc3}, DropReason.NOT_UTF8),
                Arguments.of("overlong UTF-8 slash", new byte[] {'G', 'e', 't', ',', (byte) 0xc0, (byte) 0xaf},
                        DropReason.NOT_UTF8),
                Arguments.of("NUL in the first line", b("Get,a\0b\n"), DropReason.CONTROL_CHARACTER),
                Arguments.of("escape in the first line", b("Get,\u001b[2Jx\n"), DropReason.CONTROL_CHARACTER),
                Arguments.of("unknown type", b("BYE,x\n"), DropReason.UNKNOWN_TYPE),
                Arguments.of("HELLO without instance", b("HELLO,x\n"), DropReason.HELLO_MALFORMED),
                Arguments.of("type is case-sensitive", b("get,x\n"), DropReason.UNKNOWN_TYPE),
                Arguments.of("only commas", b(",".repeat(2000)), DropReason.UNKNOWN_TYPE),
                Arguments.of("Get without name", b("Get\n"), DropReason.GET_WITHOUT_NAME),
                Arguments.of("File too short", b("File,1\n"), DropReason.FILE_TOO_SHORT),
                Arguments.of("File method not a number", b("File,tcp,80\n"), DropReason.FILE_BAD_METHOD),
                Arguments.of("File port not a number", b("File,1,http\n"), DropReason.FILE_BAD_PORT),
                Arguments.of("File port negative", b("File,1,-5\n"), DropReason.FILE_BAD_PORT),
                Arguments.of("File port zero", b("File,1,0\n"), DropReason.FILE_BAD_PORT),
                Arguments.of("File port too large", b("File,1,65536\n"), DropReason.FILE_BAD_PORT),
                Arguments.of("File port huge", b("File,1,99999999999999999999\n"), DropReason.FILE_BAD_PORT),
                Arguments.of("File port overflowing int", b("File,1,2147483648\n"), DropReason.FILE_BAD_PORT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datagrams")
    void malformedDatagramsAreDroppedWithTheirReason(String what, byte[] datagram, DropReason reason) {
        assertThat(new ControlCodec().decode(ByteBuffer.wrap(datagram)).dropped()).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "DISCOVER|0",
        "'DISCOVER,'|1",
        "'DISCOVER,,,'|3",
        "'DISCOVER,a:1,b:2'|2",
        "'  DISCOVER,a:1\n  ignored second line'|1",
        "'Get,x\nFile,1,2'|1",
        "'Get,../../etc/passwd'|1",
        "'Get,a,b'|1",
        "'File,1,1'|1",
        "'File,+1,65535'|1",
        "'File,7,80'|1"})
    void legalDatagramsDecodeAsTheReferenceNodeReadsThem(String text, int fields) {
        ControlCodec.Decoded d = new ControlCodec().decode(ByteBuffer.wrap(b(text)));
        assertThat(d.ok()).as(text).isTrue();
        if (d.message() instanceof ControlMessage.Discover disc) {
            assertThat(disc.peers()).hasSize(fields);
        }
    }

    static Stream<Arguments> requestLines() {
        return Stream.of(
                Arguments.of("plain", "Get,a.txt\n", 2048, "DONE", "Get,a.txt"),
                Arguments.of("bytes after the line stay", "Get,a\nGARBAGE", 2048, "DONE", "Get,a"),
                Arguments.of("no newline yet", "Get,a.txt", 2048, "NEED_MORE", null),
                Arguments.of("empty line", "\n", 2048, "DONE", ""),
                Arguments.of("exactly at the bound", "Get,abcdefghijk\n", 16, "DONE", "Get,abcdefghijk"),
                Arguments.of("one byte over the bound", "Get,abcdefghijkl\n", 16, "TOO_LONG", null),
                Arguments.of("far over the bound, no newline", "x".repeat(100_000), 2048, "TOO_LONG", null),
                Arguments.of("CRLF keeps its CR", "Get,a\r\n", 2048, "DONE", "Get,a\r"),
                Arguments.of("NUL inside", "Get,a\0b\n", 2048, "DONE", "Get,a\0b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestLines")
    void requestLinesParseTheSameHoweverTheyAreSplit(String what, String input, int max, String status, String line) {
        byte[] bytes = b(input);
        Oracles.Outcome whole = Oracles.parseRequestLine(List.of(ByteBuffer.wrap(bytes)), max, false);
        assertThat(whole.status()).isEqualTo(status);
        assertThat(whole.result()).isEqualTo(line);
        byte[] small = bytes.length > 3000 ? java.util.Arrays.copyOf(bytes, 3000) : bytes;
        Oracles.requestLineSplitInvariant(small, max, Splits.many(small, new Random(what.hashCode()), 50));
    }

    static Stream<Arguments> headers() {
        return Stream.of(
                Arguments.of("reference example", "33::::::::a.txt" + PAD64.substring(5), "DONE", 33L, "a.txt"),
                Arguments.of("zero bytes", "0:::::::::e" + PAD64.substring(1), "DONE", 0L, "e"),
                Arguments.of("largest size", "9999999999" + "n" + PAD64.substring(1), "DONE", 9_999_999_999L, "n"),
                Arguments.of("name of 64 bytes", "1:::::::::" + "x".repeat(64), "DONE", 1L, "x".repeat(64)),
                Arguments.of("name with slash kept as text", "1:::::::::../../x" + PAD64.substring(7), "DONE", 1L,
                        "../../x"),
                Arguments.of("empty size", "::::::::::a" + PAD64.substring(1), "ERROR", null, null),
                Arguments.of("negative size", "-1::::::::a" + PAD64.substring(1), "ERROR", null, null),
                Arguments.of("size with a space", "1 2:::::::a" + PAD64.substring(1), "ERROR", null, null),
                Arguments.of("hex size", "0x10::::::a" + PAD64.substring(1), "ERROR", null, null),
                Arguments.of("colon inside size", "1:2:::::::a" + PAD64.substring(1), "ERROR", null, null),
                Arguments.of("cut short", "33::::::::a.txt", "NEED_MORE", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headers")
    void headersParseTheSameHoweverTheyAreSplit(String what, String header, String status, Long size, String name) {
        byte[] bytes = b(header + "BODY");
        Oracles.Outcome whole = Oracles.parseHeader(List.of(ByteBuffer.wrap(bytes)));
        assertThat(whole.status()).isEqualTo(status);
        if (size != null) {
            assertThat(whole.result()).isEqualTo(new TransferHeader(size, name));
        }
        Oracles.headerSplitInvariant(bytes, Splits.many(bytes, new Random(what.hashCode()), 50));
    }

    @ParameterizedTest(name = "''{0}'' is served as ''{1}''")
    @CsvSource(delimiter = '|', value = {
        "a.txt|a.txt",
        "../x|x",
        "../../etc/passwd|passwd",
        "/etc/passwd|passwd",
        "..\\x|x",
        "..\\..\\windows\\win.ini|win.ini",
        "sub/dir/f|f",
        "C:\\f|f"})
    void peersNamesAreCutToTheirBaseName(String asked, String served) {
        assertThat(Names.baseName(asked)).isEqualTo(served);
        assertThat(Names.whyNotServable(Names.baseName(asked))).isNull();
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("refusedBaseNames")
    void namesThatCannotBeAFileInTheFolderAreRefused(String what, String name) {
        assertThat(Names.whyNotServable(Names.baseName(name))).isNotNull();
        assertThat(Names.whyNotRequestable(name)).isNotNull();
    }

    static Stream<Arguments> refusedBaseNames() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("dot", "."),
                Arguments.of("dot dot", ".."),
                Arguments.of("ends in slash", "dir/"),
                Arguments.of("ends in backslash", "dir\\"),
                Arguments.of("parent after slash", "a/.."),
                Arguments.of("NUL", "a\0b"),
                Arguments.of("newline", "a\nb"),
                Arguments.of("ten thousand characters", "n".repeat(10_000)));
    }

    @ParameterizedTest(name = "not requestable: {0}")
    @CsvSource(delimiter = '|', value = {
        "'a,b'", "'a:'", "'a '", "' a '", "'downloading_a'", "'d/a'", "'d\\a'"})
    void namesThatCannotTravelAreNotRequested(String name) {
        assertThat(Names.whyNotRequestable(name)).isNotNull();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
