package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TurnHistogramTest {

    private final TurnHistogram h = new TurnHistogram();

    @Test
    void anEmptyHistogramAnswersZero() {
        assertThat(h.percentile(0.99)).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.count()).isZero();
    }

    @Test
    void everyValueFallsInABucketNoMoreThanAnEighthWiderThanItselfAndBucketsAreInOrder() {
        int last = -1;
        for (long v = 0; v < 100_000; v++) {
            int b = TurnHistogram.bucket(v);
            assertThat(b).isGreaterThanOrEqualTo(last);
            last = b;
            long upper = TurnHistogram.upperEdge(b);
            assertThat(upper).isGreaterThanOrEqualTo(v);
            assertThat(upper - v).isLessThanOrEqualTo(v / TurnHistogram.SUB_BUCKETS);
        }
        for (long v : new long[] {1L << 40, (1L << 50) + 12345, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            long upper = TurnHistogram.upperEdge(TurnHistogram.bucket(v));
            assertThat(upper).isGreaterThanOrEqualTo(v);
            assertThat(upper - v).isLessThanOrEqualTo(v / TurnHistogram.SUB_BUCKETS);
        }
    }

    @Test
    void percentilesOfARandomSampleAreWithinAnEighthAboveTheExactOnes() {
        Random random = new Random(17);
        long[] sample = new long[100_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = (long) Math.exp(8 + 6 * random.nextDouble()); // 3 µs to 3.6 s, spread over decades
            h.record(sample[i]);
        }
        Arrays.sort(sample);
        for (double p : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = sample[(int) Math.ceil(p * sample.length) - 1];
            long answered = h.percentile(p);
            assertThat(answered).as("p%s", p * 100).isGreaterThanOrEqualTo(exact);
            assertThat((double) answered).as("p%s", p * 100).isCloseTo(exact, within(exact / 8.0));
        }
        assertThat(h.max()).isEqualTo(sample[sample.length - 1]);
        assertThat(h.percentile(1.0)).isEqualTo(h.max());
        assertThat(h.count()).isEqualTo(sample.length);
    }

    @Test
    void onePercentOfSlowTurnsShowsInP99NotInTheMedian() {
        for (int i = 0; i < 990; i++) {
            h.record(20_000); // 20 µs
        }
        for (int i = 0; i < 10; i++) {
            h.record(50_000_000); // 50 ms
        }
        assertThat(h.percentile(0.5)).isBetween(20_000L, 22_500L);
        assertThat(h.percentile(0.99)).isBetween(20_000L, 22_500L);
        assertThat(h.percentile(0.999)).isEqualTo(50_000_000L); // capped at the exact maximum
    }

    @Test
    void aClearedHistogramForgetsTheTurnsSoFarAndCountsAgainFromNothing() {
        for (int i = 0; i < 1000; i++) {
            h.record(1_000); // 1 µs
        }
        h.record(50_000_000);

        h.clear();
        assertThat(h.count()).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.percentile(0.999)).isZero();

        h.record(30_000_000);
        assertThat(h.percentile(0.5)).as("only the turn after the clear counts").isEqualTo(30_000_000L);
        assertThat(h.count()).isEqualTo(1);
        assertThat(h.max()).isEqualTo(30_000_000L);
    }
}
