package p2pnio.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target for the upload request-line parser: for a fuzzed bound, a fuzzed input and a fuzzed
 * way of splitting it into reads, the parse equals the one-shot parse, never holds more than the
 * bound, and never throws. Inputs kept under
 * {@code src/test/resources/p2pnio/fuzz/RequestLineParserFuzzTestInputs/<method>/}; one named for a
 * branch must reach it ({@link KeptInputs}).
 */
@ExtendWith(KeptInputs.class)
class RequestLineParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
    @KeptInputs.Reaches(input = "line-with-rest",
            branch = "3 reads of 14 bytes, bound 2048: DONE 'Get,a.txt' taking 10 bytes")
    @KeptInputs.Reaches(input = "long-line", branch = "4 reads of 2993 bytes, bound 2680: TOO_LONG taking 2681 bytes")
    void anySplitOfAnyLineParsesAsTheWholeDoes(FuzzedDataProvider data) {
        int maxBytes = data.consumeInt(1, 4096);
        int cuts = data.consumeInt(0, 8);
        int[] at = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            at[i] = data.consumeInt(0, 1 << 16);
        }
        byte[] input = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts; i++) {
            at[i] = Math.min(at[i], input.length);
        }
        Arrays.sort(at);
        List<ByteBuffer> reads = Splits.cut(input, at);
        Oracles.requestLineSplitInvariant(input, maxBytes, List.of(reads, Splits.cut(input, 0)));
        KeptInputs.reached(() -> {
            Oracles.Outcome o = Oracles.parseRequestLine(reads, maxBytes, false);
            return reads.size() + " reads of " + input.length + " bytes, bound " + maxBytes + ": " + o.status()
                    + (o.result() == null ? "" : " '" + o.result() + "'") + " taking " + o.consumed() + " bytes";
        });
    }
}
