package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.wire.Range;
import p2pnio.wire.TransferHeader;

/**
 * Ranged requests ({@code Get,<name>,p2pnio/1,<offset>,<length>}) on a real node's transfer port,
 * over real sockets: each range is answered with its {@code RANGE} line and exactly its bytes; a
 * range the node cannot serve is answered with a {@code REFUSED} line that says why, then closed,
 * and counted by reason; the plain request is served as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RangedRequestsTest {

    private static final int SIZE = 3_000_017;
    private Node node;
    private byte[] data;
    private final Recorder events = new Recorder();
    private final TestClock clock = new TestClock();

    @BeforeAll
    void aNodeSharingOneFile(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("shared"));
        data = Files.readAllBytes(Folders.randomFile(folder, "data.bin", SIZE));
        node = clock.start(NodeConfig.builder().port(0).folder(folder).period(Duration.ofHours(1))
                .requestLineTimeout(Duration.ofSeconds(2)).build(), events);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @ParameterizedTest(name = "bytes {0}+{1}")
    @CsvSource({"0,1", "0,1048576", "1048576,1048576", "2999999,18", "0,3000017", "3000016,1", "123457,2000000"})
    void aRangeInsideTheFileIsAnsweredWithItsLineAndExactlyItsBytes(long offset, long length) throws Exception {
        long servedBefore = Poll.stats(node).rangesServed();
        byte[] reply;
        try (RawClient c = new RawClient(node.transferAddress())) {
            reply = c.send(Range.request("data.bin", new Range(offset, length))).readAll();
        }
        byte[] line = Range.accepted(new Range(offset, length), SIZE);
        assertThat(Arrays.copyOf(reply, line.length)).as("answer line").isEqualTo(line);
        assertThat(reply.length - line.length).as("body bytes").isEqualTo(length);
        assertThat(Arrays.copyOfRange(reply, line.length, reply.length))
                .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).rangesServed(), n -> n == servedBefore + 1);
    }

    @Test
    void aRangedRequestArrivingOneByteAtATimeIsServed() throws Exception {
        String request = Range.request("data.bin", new Range(10, 20));
        try (RawClient c = new RawClient(node.transferAddress())) {
            for (char ch : request.toCharArray()) {
                c.send(String.valueOf(ch));
            }
            byte[] reply = c.readAll();
            assertThat(new String(reply, 0, reply.length - 20, StandardCharsets.US_ASCII))
                    .isEqualTo("RANGE,p2pnio/1,10,20,3000017\n");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
        "Get,data.bin,p2pnio/1,3000017,1;      REFUSED,p2pnio/1,3000017,outside;  outside",
        "Get,data.bin,p2pnio/1,3000000,18;     REFUSED,p2pnio/1,3000017,outside;  outside",
        "Get,data.bin,p2pnio/1,0,3000018;      REFUSED,p2pnio/1,3000017,outside;  outside",
        "Get,data.bin,p2pnio/1,999999999999999999,999999999999999999; REFUSED,p2pnio/1,3000017,outside; outside",
        "Get,data.bin,p2pnio/1,0,0;            REFUSED,p2pnio/1,-,malformed;      malformed",
        "Get,data.bin,p2pnio/1,-5,10;          REFUSED,p2pnio/1,-,malformed;      malformed",
        "Get,data.bin,p2pnio/1,ten,10;         REFUSED,p2pnio/1,-,malformed;      malformed",
        "Get,nothing.bin,p2pnio/1,0,10;        REFUSED,p2pnio/1,-,missing;        missing"})
    void aRangeTheNodeCannotServeIsRefusedWithItsReasonThenClosedAndCounted(String request, String answer,
                                                                             String reason) throws Exception {
        Map<String, Long> before = Poll.stats(node).rangesRefused();
        long failedBefore = Poll.stats(node).uploadsFailed();
        try (RawClient c = new RawClient(node.transferAddress())) {
            c.send(request + "\n");
            clock.advance(Duration.ofSeconds(1)); // a name not in the index waits for the next rescan, at most one a second
            byte[] reply = c.readAll();
            assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo(answer + "\n");
            assertThat(Range.Answer.parse(answer).refusal()).isEqualTo(Range.Refusal.of(reason));
        }
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).rangesRefused().getOrDefault(reason, 0L),
                n -> n == before.getOrDefault(reason, 0L) + 1);
        assertThat(Poll.stats(node).uploadsFailed()).isEqualTo(failedBefore + 1);
        aPlainRequestWithTrailingFieldsIsStillTheWholeFileWithTheReferenceHeader();
    }

    @Test
    void aPlainRequestWithTrailingFieldsIsStillTheWholeFileWithTheReferenceHeader() throws Exception {
        for (String request : new String[] {"Get,data.bin\n", "Get,data.bin,p2pnio/1\n", "Get,data.bin,0,10\n"}) {
            try (RawClient c = new RawClient(node.transferAddress())) {
                byte[] reply = c.send(request).readAll();
                assertThat(Arrays.copyOf(reply, TransferHeader.BYTES)).as(request)
                        .isEqualTo(TransferHeader.encode(SIZE, "data.bin"));
                assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).as(request).isEqualTo(data);
            }
        }
    }
}
