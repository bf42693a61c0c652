package p2pnio.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import p2pnio.testkit.Seeds;

/**
 * Both incremental parsers, on thousands of generated inputs: the one-shot parse gives what the
 * independent whole-input decoder expects, and any split into reads gives the same result or the
 * same clean error. A fresh seed each run; a failure prints it ({@link Seeds}).
 */
class SplitInvarianceTest {

    private static final byte[] ALPHABET = "Get,:\n\r0123456789a./\\\0-".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void requestLineParserGivesTheExpectedResultForEverySplitOfThreeThousandInputs() throws Exception {
        Seeds.run("3000 request lines", random -> {
            for (int i = 0; i < 3000; i++) {
                byte[] input = generate(random, random.nextInt(80));
                int max = 1 + random.nextInt(64);
                Oracles.requestLineSplitInvariant(input, max, Splits.many(input, random, 10));
            }
        });
    }

    @Test
    void headerParserGivesTheExpectedResultForEverySplitOfThreeThousandInputs() throws Exception {
        Seeds.run("3000 headers", random -> headers(random));
    }

    private static void headers(Random random) {
        for (int i = 0; i < 3000; i++) {
            byte[] input = generate(random, 60 + random.nextInt(30));
            if (random.nextBoolean()) {
                // mostly valid headers: digits, then padding, then a name
                String size = Long.toString(random.nextLong() & 0x3ffffffffL);
                byte[] head = (size + ":".repeat(Math.max(0, 10 - size.length()))).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(head, 0, input, 0, Math.min(head.length, input.length));
            }
            Oracles.headerSplitInvariant(input, Splits.many(input, random, 10));
        }
    }

    private static byte[] generate(Random random, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = random.nextInt(8) == 0 ? (byte) random.nextInt(256) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return b;
    }
}
