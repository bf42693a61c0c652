package p2pnio.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fuzz target for the download header parser (10 + 64 bytes): any split gives the one-shot
 * result, a parsed SIZE is a number from 0 to 9,999,999,999, and nothing past the 74 header bytes
 * is taken. Inputs kept under {@code src/test/resources/p2pnio/fuzz/HeaderParserFuzzTestInputs/<method>/};
 * one named for a branch must reach it ({@link KeptInputs}).
 */
@ExtendWith(KeptInputs.class)
class HeaderParserFuzzTest {

    @FuzzTest(maxDuration = "2m")
    @KeptInputs.Reaches(input = "reference-example",
            branch = "3 reads of 107 bytes: DONE TransferHeader[size=33, name=a.txt] taking 74 bytes")
    @KeptInputs.Reaches(input = "negative-size",
            branch = "2 reads of 78 bytes: ERROR SIZE field is not a decimal number taking 74 bytes")
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
        List<ByteBuffer> reads = Splits.cut(input, at);
        Oracles.headerSplitInvariant(input, List.of(reads, Splits.cut(input, 0)));
        KeptInputs.reached(() -> {
            Oracles.Outcome o = Oracles.parseHeader(reads);
            return reads.size() + " reads of " + input.length + " bytes: " + o.status()
                    + (o.result() == null ? "" : " " + o.result()) + " taking " + o.consumed() + " bytes";
        });
    }
}
