package p2pnio.loop;

/**
 * How long the loop's turns took, in fixed buckets: the idea of HdrHistogram at its smallest.
 *
 * <p>Each power of two of nanoseconds is split into {@value #SUB_BUCKETS} equal buckets, so a
 * recorded duration lands in a bucket at most 1/8 (12.5 %) wider than itself, from one
 * nanosecond to the longest {@code long}, in fewer than 500 counters allocated once. Recording is a shift,
 * a count of leading zeros and an increment: no allocation, no search, cheap enough for every
 * turn. Percentiles are answered with the upper edge of their bucket (never below the truth,
 * at most 12.5 % above it) and never above the exact maximum. Loop thread only.
 */
public final class TurnHistogram {

    private static final int SUB_BITS = 3;
    /** Buckets per power of two. */
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS + 1) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** Counts one turn of {@code nanos} (a negative duration counts as 0). */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[bucket(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    /** Forgets every turn recorded: the histogram starts again, empty. */
    public void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    /** Turns recorded. */
    public long count() {
        return total;
    }

    /** The longest turn recorded, exactly; 0 when none was. */
    public long max() {
        return max;
    }

    /**
     * The duration that {@code fraction} of the turns did not exceed (0.5 for the median, 0.999
     * for p99.9), as the upper edge of its bucket; 0 when nothing was recorded.
     */
    public long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), max);
            }
        }
        return max;
    }

    /** The bucket of {@code v} (not negative): values below 16 each have their own. */
    static int bucket(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int top = 63 - Long.numberOfLeadingZeros(v); // the highest bit set, at least SUB_BITS
        int group = top - SUB_BITS + 1;
        int sub = (int) (v >>> (top - SUB_BITS)) & (SUB_BUCKETS - 1);
        return group * SUB_BUCKETS + sub;
    }

    /** The largest value that falls in bucket {@code i}. */
    static long upperEdge(int i) {
        if (i < SUB_BUCKETS) {
            return i;
        }
        int group = i / SUB_BUCKETS;
        long lower = (long) (SUB_BUCKETS + i % SUB_BUCKETS) << (group - 1);
        return lower + (1L << (group - 1)) - 1;
    }
}
