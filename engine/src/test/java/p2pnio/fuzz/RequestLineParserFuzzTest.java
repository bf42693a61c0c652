package p2pnio.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz target for the upload request-line parser: for a fuzzed bound, a fuzzed input and a fuzzed
 * way of splitting it into reads, the parse equals the one-shot parse, never holds more than the
 * bound, and never throws. Inputs kept under
 * {@code src/test/resources/p2pnio/fuzz/RequestLineParserFuzzTestInputs/<method>/}.
 */
class RequestLineParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
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
        java.util.Arrays.sort(at);
        Oracles.requestLineSplitInvariant(input, maxBytes, List.of(Splits.cut(input, at), Splits.cut(input, 0)));
    }
}
