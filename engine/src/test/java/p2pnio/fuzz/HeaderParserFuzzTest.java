package p2pnio.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz target for the download header parser (10 + 64 bytes): any split gives the one-shot
 * result, a parsed SIZE is a number from 0 to 9,999,999,999, and nothing past the 74 header bytes
 * is taken. Inputs kept under {@code src/test/resources/p2pnio/fuzz/HeaderParserFuzzTestInputs/<method>/}.
 */
class HeaderParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void anySplitOfAnyReplyGivesTheOneShotHeaderOrACleanError(FuzzedDataProvider data) {
        int cuts = data.consumeInt(0, 8);
        int[] at = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            at[i] = data.consumeInt(0, 200);
        }
        byte[] input = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts; i++) {
            at[i] = Math.min(at[i], input.length);
        }
        Arrays.sort(at);
        Oracles.headerSplitInvariant(input, List.of(Splits.cut(input, at), Splits.cut(input, 0)));
    }
}
