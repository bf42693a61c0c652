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
                new ControlMessage.Hello("p2pnio/2", "ffffffffffffffff", List.of("members", "sha256", "range")),
                new ControlMessage.Get("movie.mkv", true),
                new ControlMessage.FileOffer(1, 40123, new ControlMessage.Offered("p2pnio/1", List.of("sha256", "browse"),
                        33, SHA_A, "a.txt")),
                new ControlMessage.FileOffer(1, 40123, new ControlMessage.Offered("p2pnio/1", List.of(), 0, "", " ünï cödé")),
                new ControlMessage.ListRequest(7),
                new ControlMessage.Listing(7, 1, 1, List.of()),
                new ControlMessage.Listing(7, 2, 3, List.of(new ControlMessage.Listed(33, SHA_A, "a.txt"),
                        new ControlMessage.Listed(0, "", "empty file"))));
    }

    /** SHA-256 of the 33 bytes "hello from the reference example\n". */
    static final String SHA_A = "093076c47692a2932590da1bc439224d6ead0f42fe2eb39bbd26182c99f6468d";

    @Test
    void theVerifiedDownloadExtensionHasItsDocumentedBytes() {
        assertThat(ControlCodec.encode(new ControlMessage.Get("a.txt", true)))
                .isEqualTo("Get,a.txt,p2pnio/1\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.FileOffer(1, 40123,
                new ControlMessage.Offered("p2pnio/1", List.of("members", "sha256", "browse"), 33, SHA_A, "a.txt"))))
                .isEqualTo(("File,1,40123,p2pnio/1,members+sha256+browse,33," + SHA_A + ",a.txt\n")
                        .getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.ListRequest(5)))
                .isEqualTo("LIST,p2pnio/1,5\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(ControlCodec.encode(new ControlMessage.Listing(5, 1, 2, List.of(
                new ControlMessage.Listed(33, SHA_A, "a.txt"), new ControlMessage.Listed(7, "", "b c.txt")))))
                .isEqualTo(("FILES,p2pnio/1,5,1,2,33/" + SHA_A + "/a.txt,7//b c.txt\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void whatTheReferenceReadsOfTheExtendedFormsIsTheRequestAndThePort() {
        // PROTOCOL.md 6: the reference takes field 1 of a Get and fields 1 and 2 of a File
        String file = "File,1,40123,p2pnio/1,sha256,33," + SHA_A + ",a.txt";
        assertThat(file.split(",")[1] + "," + file.split(",")[2]).isEqualTo("1,40123");
        assertThat("Get,a.txt,p2pnio/1".split(",")[1]).isEqualTo("a.txt");
        // a trailing field that is no version token is what it was: ignored
        assertThat(decode("Get,a.txt,p2p/1").message()).isEqualTo(new ControlMessage.Get("a.txt", false));
        assertThat(decode("File,1,80,sha256,33").message()).isEqualTo(new ControlMessage.FileOffer(1, 80));
    }

    @Test
    void aListingSplitsIntoDatagramsOfAtMostTheLimitAndLosesNothing() {
        List<ControlMessage.Listed> files = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            files.add(new ControlMessage.Listed(i * 1000L, i % 3 == 0 ? "" : SHA_A, "file number " + i + ".bin"));
        }
        List<ControlMessage.Listing> parts = ControlCodec.splitListing(9, files, ControlCodec.MAX_DATAGRAM);
        assertThat(parts).hasSizeGreaterThan(1);
        List<ControlMessage.Listed> back = new ArrayList<>();
        for (ControlMessage.Listing part : parts) {
            byte[] bytes = ControlCodec.encode(part);
            assertThat(bytes.length).isLessThanOrEqualTo(ControlCodec.MAX_DATAGRAM);
            ControlMessage.Listing decoded = (ControlMessage.Listing) decode(bytes).message();
            assertThat(decoded.parts()).isEqualTo(parts.size());
            back.addAll(decoded.files());
        }
        assertThat(back).containsExactlyElementsOf(files);
        assertThat(ControlCodec.splitListing(9, List.of(), ControlCodec.MAX_DATAGRAM))
                .containsExactly(new ControlMessage.Listing(9, 1, 1, List.of()));
    }

    @ParameterizedTest
    @MethodSource("malformedExtensions")
    void aMalformedExtendedMessageIsDroppedUnderItsOwnReason(String datagram, DropReason reason) {
        assertThat(decode(datagram).dropped()).isEqualTo(reason);
    }

    static Stream<Arguments> malformedExtensions() {
        String f = "File,1,80,p2pnio/1,";
        return Stream.of(
                Arguments.of(f + "sha256,33," + SHA_A, DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "Sha256,33," + SHA_A + ",a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,-3," + SHA_A + ",a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,12345678901," + SHA_A + ",a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,33," + SHA_A.toUpperCase() + ",a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,33,abc,a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,33," + SHA_A + ",", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,33," + SHA_A + ",x/a", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of(f + "sha256,33," + SHA_A + ",a,b", DropReason.FILE_EXTENSION_MALFORMED),
                Arguments.of("LIST", DropReason.LIST_MALFORMED),
                Arguments.of("LIST,p2pnio/1", DropReason.LIST_MALFORMED),
                Arguments.of("LIST,p2pnio/1,-1", DropReason.LIST_MALFORMED),
                Arguments.of("LIST,x/1,1", DropReason.LIST_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,0,1", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,3,2", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1,1,33/a.txt", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1,1,x/" + SHA_A + "/a.txt", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1,1,3/" + SHA_A + "/", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1,1,3/" + SHA_A + "/a.txt:", DropReason.FILES_MALFORMED),
                Arguments.of("FILES,p2pnio/1,1,1,1,3/ab/a.txt", DropReason.FILES_MALFORMED));
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
