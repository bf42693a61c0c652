package p2pnio.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ranged request line and its answers (docs/protocol.md "Ranges"), byte for byte. */
class RangeTest {

    @Test
    void aRangedRequestKeepsTheReferenceFieldsFirstAndPutsTheRangeAfterTheVersion() {
        assertThat(Range.request("movie.mkv", new Range(4_194_304, 4_194_304)))
                .isEqualTo("Get,movie.mkv,p2pnio/1,4194304,4194304\n");
        assertThat(Range.ask("Get,movie.mkv,p2pnio/1,4194304,4194304"))
                .isEqualTo(new Range.Ranged(new Range(4_194_304, 4_194_304)));
    }

    @ParameterizedTest(name = "whole file: {0}")
    @ValueSource(strings = {"Get,a.bin", "Get,a.bin,p2pnio/1", "Get,a.bin,0,10", "Get,a.bin,x,0,10", "Get,a.bin,"})
    void aLineWithoutVersionAndTwoNumbersAsksForTheWholeFileAsTheReferenceReadsIt(String line) {
        assertThat(Range.ask(line)).isInstanceOf(Range.Whole.class);
    }

    @ParameterizedTest(name = "malformed: {0}")
    @ValueSource(strings = {"Get,a.bin,p2pnio/1,-1,10", "Get,a.bin,p2pnio/1,0,0", "Get,a.bin,p2pnio/1,a,10",
        "Get,a.bin,p2pnio/1,0,", "Get,a.bin,p2pnio/1,,10", "Get,a.bin,p2pnio/1,0,1e3",
        "Get,a.bin,p2pnio/1,0,1234567890123456789", "Get,a.bin,p2pnio/1, 0,10"})
    void aRangeThatIsNoTwoNumbersOrIsEmptyIsMalformed(String line) {
        assertThat(Range.ask(line)).isInstanceOf(Range.Malformed.class);
    }

    @Test
    void theAnswersAreOneAsciiLineEach() {
        assertThat(new String(Range.accepted(new Range(100, 50), 1000), StandardCharsets.US_ASCII))
                .isEqualTo("RANGE,p2pnio/1,100,50,1000\n");
        assertThat(new String(Range.refused(1000, Range.Refusal.OUTSIDE), StandardCharsets.US_ASCII))
                .isEqualTo("REFUSED,p2pnio/1,1000,outside\n");
        assertThat(new String(Range.refused(-1, Range.Refusal.MISSING), StandardCharsets.US_ASCII))
                .isEqualTo("REFUSED,p2pnio/1,-,missing\n");
        byte[] longest = Range.accepted(new Range(999_999_999_999_999_998L, 1), 999_999_999_999_999_999L);
        assertThat(longest.length).isLessThanOrEqualTo(Range.MAX_ANSWER_BYTES);
    }

    @Test
    void aClientReadsBothAnswersBack() {
        assertThat(Range.Answer.parse("RANGE,p2pnio/1,100,50,1000"))
                .isEqualTo(new Range.Answer(new Range(100, 50), 1000, null));
        assertThat(Range.Answer.parse("REFUSED,p2pnio/1,1000,outside"))
                .isEqualTo(new Range.Answer(null, 1000, Range.Refusal.OUTSIDE));
        assertThat(Range.Answer.parse("REFUSED,p2pnio/1,-,missing").total()).isEqualTo(-1);
    }

    @ParameterizedTest(name = "no answer: {0}")
    @ValueSource(strings = {"RANGE,p2pnio/1,100,50,120", "RANGE,p2pnio/1,100,0,1000", "RANGE,x,1,1,2", "RANGE,p2pnio/1,1,1",
        "REFUSED,p2pnio/1,x,outside", "1000::::::::::", "range,p2pnio/1,0,1,1"})
    void anAnswerThatIsNoneOfThoseIsNoAnswer(String line) {
        assertThat(Range.Answer.parse(line)).isNull();
    }
}
