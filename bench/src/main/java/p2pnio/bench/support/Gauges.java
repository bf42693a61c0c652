package p2pnio.bench.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Secondary results that are no counts: percentiles of time to first byte, heap and resident
 * memory. JMH's {@code @AuxCounters} sum {@code EVENTS} over iterations, which is wrong for a
 * percentile or a memory size; this profiler reports them per iteration and JMH averages them.
 *
 * <p>Benchmarks {@link #sample} latencies and {@link #set} values during an iteration; the
 * profiler turns them into results at its end. Run with {@code -prof p2pnio.bench.support.Gauges}
 * ({@code make bench} does). Without the profiler the calls cost next to nothing.
 */
public final class Gauges implements InternalProfiler {

    private static final Object LOCK = new Object();
    private static final Map<String, List<long[]>> SAMPLES = new LinkedHashMap<>();
    private static final Map<String, Double> VALUES = new LinkedHashMap<>();
    private static final Map<String, Double> WORST = new LinkedHashMap<>();
    private static final Map<String, Map.Entry<String, Double>> NAMED = new LinkedHashMap<>();
    /** What starts the name of a {@link #named} result: {@code named: <what>: <description>}. */
    public static final String NAMED_PREFIX = "named: ";

    /** Adds latency samples (nanoseconds) under {@code name}; reported as p50 and p99 in ms. */
    public static void sample(String name, long[] nanos, int count) {
        synchronized (LOCK) {
            SAMPLES.computeIfAbsent(name, k -> new ArrayList<>()).add(Arrays.copyOf(nanos, count));
        }
    }

    /** Sets the value of gauge {@code name} for this iteration (the last value set wins). */
    public static void set(String name, double value) {
        synchronized (LOCK) {
            VALUES.put(name, value);
        }
    }

    /**
     * Sets the value of gauge {@code name} for this iteration, reported as the largest over the
     * iterations instead of their mean: for a figure whose worst reading is the point (a p99.9).
     */
    public static void worst(String name, double value) {
        synchronized (LOCK) {
            WORST.put(name, value);
        }
    }

    /**
     * Keeps, for gauge {@code what}, the largest {@code millis} of this iteration with the text that
     * names it (what ran in the longest loop turn, say). JMH results hold numbers only, so the text
     * goes into the result's name: {@code named: <what>: <description>}, in ms.
     */
    public static void named(String what, String description, double millis) {
        synchronized (LOCK) {
            Map.Entry<String, Double> old = NAMED.get(what);
            if (old == null || millis > old.getValue()) {
                NAMED.put(what, Map.entry(description, millis));
            }
        }
    }

    /** True once gauge {@code name} was set in this iteration. */
    public static boolean has(String name) {
        synchronized (LOCK) {
            return VALUES.containsKey(name);
        }
    }

    /** Percentile {@code p} (0 to 100) of sorted {@code values}, nearest rank. */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        synchronized (LOCK) {
            SAMPLES.clear();
            VALUES.clear();
            WORST.clear();
            NAMED.clear();
        }
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        List<Result> out = new ArrayList<>();
        synchronized (LOCK) {
            for (Map.Entry<String, List<long[]>> e : SAMPLES.entrySet()) {
                long[] all = e.getValue().stream().flatMapToLong(Arrays::stream).sorted().toArray();
                out.add(new ScalarResult(e.getKey() + ".p50", percentile(all, 50) / 1e6, "ms", AggregationPolicy.AVG));
                out.add(new ScalarResult(e.getKey() + ".p99", percentile(all, 99) / 1e6, "ms", AggregationPolicy.AVG));
            }
            for (Map.Entry<String, Double> e : VALUES.entrySet()) {
                out.add(new ScalarResult(e.getKey(), e.getValue(), unitOf(e.getKey()), AggregationPolicy.AVG));
            }
            for (Map.Entry<String, Double> e : WORST.entrySet()) {
                out.add(new ScalarResult(e.getKey(), e.getValue(), unitOf(e.getKey()), AggregationPolicy.MAX));
            }
            NAMED.forEach((what, e) -> out.add(new ScalarResult(NAMED_PREFIX + what + ": " + e.getKey(), e.getValue(),
                    "ms", AggregationPolicy.MAX)));
        }
        return out;
    }

    private static String unitOf(String name) {
        if (name.endsWith("MiB")) {
            return "MiB";
        }
        if (name.endsWith("Bytes")) {
            return "B";
        }
        if (name.endsWith("MsPerGiB")) {
            return "ms/GiB";
        }
        if (name.endsWith("Ms")) {
            return "ms";
        }
        return "#";
    }

    @Override
    public String getDescription() {
        return "p2p-nio gauges: time-to-first-byte percentiles, heap and resident memory";
    }
}
