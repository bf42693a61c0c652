package p2pnio.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControlCodecTest {

    private final ControlCodec codec = new ControlCodec();

    private ControlCodec.Decoded decode(byte[] bytes) {
        return codec.decode(ByteBuffer.wrap(bytes));
    }

    private ControlCodec.Decoded decode(String s) {
        return decode(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodesExactlyAsTheReferenceNode() {
        assertThat(ControlCodec.encode(new ControlMessage.Discover(List.of())))
                .isEqualTo("DISCOVER,\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.Discover(List.of("127.0.0.1:1378", "10.0.0.2:1379"))))
                .isEqualTo("DISCOVER,127.0.0.1:1378,10.0.0.2:1379\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.Get("a.txt")))
                .isEqualTo("Get,a.txt\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.FileOffer(1, 40123)))
                .isEqualTo("File,1,40123\n".getBytes(StandardCharsets.US_ASCII));
    }

    static Stream<ControlMessage> messages() {
        return Stream.of(
                new ControlMessage.Discover(List.of("127.0.0.1:1378")),
                new ControlMessage.Discover(List.of("a:1", "b:2", "[::1]:3")),
                new ControlMessage.Get("movie.mkv"),
                new ControlMessage.Get("ünïcödé файл.txt"),
                new ControlMessage.FileOffer(1, 1),
                new ControlMessage.FileOffer(1, 65535),
                new ControlMessage.Hello("p2pnio/1", "18c2f0a1b2c3", List.of("members")),
                new ControlMessage.Hello("p2pnio/1", "1", List.of()),
                new ControlMessage.Hello("p2pnio/2", "ffffffffffffffff", List.of("members", "sha256", "range")));
    }

    @Test
    void helloHasItsDocumentedBytes() {
        assertThat(ControlCodec.encode(new ControlMessage.Hello("p2pnio/1", "18c2f0a1b2c3d4", List.of("members", "sha256"))))
                .isEqualTo("HELLO,p2pnio/1,18c2f0a1b2c3d4,members+sha256\n".getBytes(StandardCharsets.US_ASCII));
        // fields a later version adds after the fourth are ignored
        assertThat(decode("HELLO,p2pnio/1,ab,members,later,fields\n").message())
                .isEqualTo(new ControlMessage.Hello("p2pnio/1", "ab", List.of("members")));
    }

    @ParameterizedTest
    @MethodSource("malformedHellos")
    void aMalformedHelloIsDroppedAndCounted(String datagram) {
        assertThat(decode(datagram).dropped()).isEqualTo(DropReason.HELLO_MALFORMED);
    }

    static Stream<String> malformedHellos() {
        return Stream.of("HELLO\n", "HELLO,p2pnio/1,ab\n", "HELLO,p2p/1,ab,\n", "HELLO,p2pnio/,ab,\n",
                "HELLO,p2pnio/1,AB,\n", "HELLO,p2pnio/1,,\n", "HELLO,p2pnio/1,12345678901234567,\n",
                "HELLO,p2pnio/1,ab,members++sha\n", "HELLO,p2pnio/1,ab,Members\n", "HELLO,p2pnio/1,ab,a b\n");
    }

    @Test
    void ourDiscoverListsUsFirstInEveryDatagram() {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            peers.add("10.0." + (i / 250) + "." + (i % 250) + ":" + (40000 + i));
        }
        List<byte[]> parts = ControlCodec.encodeDiscover("10.9.9.9:1378", peers, ControlCodec.MAX_DATAGRAM);
        assertThat(parts).hasSizeGreaterThan(1);
        List<String> seen = new ArrayList<>();
        for (byte[] part : parts) {
            assertThat(part.length).isLessThanOrEqualTo(ControlCodec.MAX_DATAGRAM);
            List<String> entries = ((ControlMessage.Discover) decode(part).message()).peers();
            assertThat(entries.get(0)).isEqualTo("10.9.9.9:1378");
            seen.addAll(entries.subList(1, entries.size()));
        }
        assertThat(seen).containsExactlyElementsOf(peers);
        assertThat(ControlCodec.encodeDiscover("10.9.9.9:1378", List.of(), ControlCodec.MAX_DATAGRAM))
                .containsExactly("DISCOVER,10.9.9.9:1378\n".getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageSurvivesARoundTrip(ControlMessage message) {
        assertThat(decode(ControlCodec.encode(message)).message()).isEqualTo(message);
    }

    @Test
    void anEmptyListTravelsAsOneEmptyEntry() {
        // The reference splits "DISCOVER," into ["DISCOVER", ""]: one empty entry, which receivers skip.
        assertThat(decode(ControlCodec.encode(new ControlMessage.Discover(List.of()))).message())
                .isEqualTo(new ControlMessage.Discover(List.of("")));
    }

    @Test
    void readsLikeTheReferenceReceiver() {
        assertThat(decode("DISCOVER").message()).isEqualTo(new ControlMessage.Discover(List.of()));
        assertThat(decode("DISCOVER,").message()).isEqualTo(new ControlMessage.Discover(List.of("")));
        assertThat(decode("  Get,x.txt \n\n").message()).isEqualTo(new ControlMessage.Get("x.txt"));
        assertThat(decode("Get,a\nFile,1,2\n").message()).isEqualTo(new ControlMessage.Get("a"));
        assertThat(decode("Get,a,b").message()).isEqualTo(new ControlMessage.Get("a"));
        assertThat(decode("File,1,80,extra").message()).isEqualTo(new ControlMessage.FileOffer(1, 80));
        assertThat(decode("File,+1,80").message()).isEqualTo(new ControlMessage.FileOffer(1, 80));
        assertThat(decode("DISCOVER,a:1,,b:2").message())
                .isEqualTo(new ControlMessage.Discover(List.of("a:1", "", "b:2")));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", DropReason.EMPTY),
                Arguments.of(" \n\t ", DropReason.EMPTY),
                Arguments.of("Get", DropReason.GET_WITHOUT_NAME),
                Arguments.of("File", DropReason.FILE_TOO_SHORT),
                Arguments.of("File,1", DropReason.FILE_TOO_SHORT),
                Arguments.of("File,x,80", DropReason.FILE_BAD_METHOD),
                Arguments.of("File,1,http", DropReason.FILE_BAD_PORT),
                Arguments.of("File,1,-5", DropReason.FILE_BAD_PORT),
                Arguments.of("File,1,0", DropReason.FILE_BAD_PORT),
                Arguments.of("File,1,65536", DropReason.FILE_BAD_PORT),
                Arguments.of("File,1,99999999999999", DropReason.FILE_BAD_PORT),
                Arguments.of("get,a", DropReason.UNKNOWN_TYPE),
                Arguments.of("discover,", DropReason.UNKNOWN_TYPE),
                Arguments.of("HELO", DropReason.UNKNOWN_TYPE),
                Arguments.of("hello,p2pnio/1,ab,", DropReason.UNKNOWN_TYPE),
                Arguments.of("Get,a\u0000b", DropReason.CONTROL_CHARACTER),
                Arguments.of("Get,a\rb", DropReason.CONTROL_CHARACTER));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void dropsMalformedDatagramsWithTheirReason(String text, DropReason reason) {
        ControlCodec.Decoded d = decode(text);
        assertThat(d.ok()).isFalse();
        assertThat(d.dropped()).isEqualTo(reason);
    }

    @Test
    void dropsInvalidUtf8() {
        assertThat(decode(new byte[] {'G', 'e', 't', ',', (byte) 0xC3, (byte) 0x28}).dropped())
                .isEqualTo(DropReason.NOT_UTF8);
        assertThat(decode(new byte[] {(byte) 0xFF, (byte) 0xFE}).dropped()).isEqualTo(DropReason.NOT_UTF8);
    }

    @Test
    void decoderIsReusableAfterAnError() {
        assertThat(decode(new byte[] {(byte) 0xFF}).ok()).isFalse();
        assertThat(decode("Get,ok").message()).isEqualTo(new ControlMessage.Get("ok"));
    }

    @Test
    void splitsLongDiscoverListsIntoValidDatagramsThatMergeToTheWhole() {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            peers.add("10.0." + (i / 250) + "." + (i % 250) + ":" + (1000 + i));
        }
        List<byte[]> parts = ControlCodec.encodeDiscover(peers, ControlCodec.MAX_DATAGRAM);
        assertThat(parts).hasSizeGreaterThan(1);
        List<String> merged = new ArrayList<>();
        for (byte[] part : parts) {
            assertThat(part.length).isLessThanOrEqualTo(ControlCodec.MAX_DATAGRAM);
            assertThat(new String(part, StandardCharsets.UTF_8)).startsWith("DISCOVER,").endsWith("\n");
            merged.addAll(((ControlMessage.Discover) decode(part).message()).peers());
        }
        assertThat(merged).isEqualTo(peers);
    }

    @Test
    void aShortListIsOneDatagramIdenticalToThePlainEncoding() {
        List<String> peers = List.of("127.0.0.1:1378", "127.0.0.1:1379");
        assertThat(ControlCodec.encodeDiscover(peers, ControlCodec.MAX_DATAGRAM))
                .containsExactly(ControlCodec.encode(new ControlMessage.Discover(peers)));
        assertThat(ControlCodec.encodeDiscover(List.of(), ControlCodec.MAX_DATAGRAM))
                .containsExactly("DISCOVER,\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anEntryTooLongForAnyDatagramIsLeftOut() {
        String huge = "h".repeat(3000) + ":1";
        List<byte[]> parts = ControlCodec.encodeDiscover(List.of("a:1", huge, "b:2"), ControlCodec.MAX_DATAGRAM);
        assertThat(parts).hasSize(1);
        assertThat(new String(parts.get(0), StandardCharsets.UTF_8)).isEqualTo("DISCOVER,a:1,b:2\n");
    }
}
