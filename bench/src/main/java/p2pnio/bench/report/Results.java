package p2pnio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one JMH JSON result file, in file order: what was measured, with which parameters,
 * the primary score and every secondary metric.
 */
public final class Results {

    /**
     * One score and its 99.9% error, with its unit, and the mean of each fork's iterations (one per
     * round when the suite pooled rounds).
     */
    public record Metric(double score, double error, String unit, List<Double> forkMeans) {

        /** Whether this score pools several forks (the suite's rounds). */
        public boolean pooled() {
            return forkMeans.size() > 1;
        }

        /**
         * The value tables, ratios and targets use: the median of the forks' means when pooled
         * (robust to one round that fell in a fast or slow phase of the machine), else the score.
         */
        public double central() {
            if (!pooled()) {
                return score;
            }
            double[] m = forkMeans.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return m.length % 2 == 1 ? m[m.length / 2] : (m[m.length / 2 - 1] + m[m.length / 2]) / 2;
        }

        /** The low end: the slowest fork when pooled, else score minus error. */
        public double low() {
            return pooled() ? forkMeans.stream().mapToDouble(Double::doubleValue).min().orElse(score) : score - error;
        }

        /** The high end: the fastest fork when pooled, else score plus error. */
        public double high() {
            return pooled() ? forkMeans.stream().mapToDouble(Double::doubleValue).max().orElse(score) : score + error;
        }
    }

    /** One benchmark run with one set of parameters. */
    public record Row(String benchmark, String method, String mode, Map<String, String> params, Metric primary,
                      Map<String, Metric> secondary, String jvm, String jdkVersion, String vmName,
                      String vmVersion, List<String> jvmArgs, int forks, int warmupIterations, String warmupTime,
                      int measurementIterations, String measurementTime, int threads) {

        /**
         * How many runs of {@code forks} forks were pooled into this one (the suite's interleaved
         * rounds; 1 for a plain JMH run): JMH writes one raw-data array per fork.
         */
        public int rounds() {
            return Math.max(1, primary.forkMeans().size() / Math.max(1, forks));
        }

        /** A parameter's value, or "" when the benchmark has no such parameter. */
        public String param(String name) {
            return params.getOrDefault(name, "");
        }

        /** The named metric: "" is the primary one, anything else a secondary one (or null). */
        public Metric metric(String name) {
            return name.isEmpty() ? primary : secondary.get(name);
        }
    }

    private Results() {
    }

    /** Reads a JMH JSON result file. */
    public static List<Row> read(Path json) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<?>) Json.parse(Files.readString(json))) {
            Map<?, ?> m = (Map<?, ?>) o;
            String full = (String) m.get("benchmark");
            int dot = full.lastIndexOf('.');
            String cls = full.substring(0, dot);
            Map<String, String> params = new LinkedHashMap<>();
            if (m.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put((String) k, String.valueOf(v)));
            }
            Map<String, Metric> secondary = new LinkedHashMap<>();
            if (m.get("secondaryMetrics") instanceof Map<?, ?> s) {
                s.forEach((k, v) -> secondary.put((String) k, metric((Map<?, ?>) v)));
            }
            List<String> args = new ArrayList<>();
            if (m.get("jvmArgs") instanceof List<?> a) {
                a.forEach(x -> args.add(String.valueOf(x)));
            }
            rows.add(new Row(cls.substring(cls.lastIndexOf('.') + 1), full.substring(dot + 1),
                    (String) m.get("mode"), params, metric((Map<?, ?>) m.get("primaryMetric")), secondary,
                    str(m.get("jvm")), str(m.get("jdkVersion")), str(m.get("vmName")), str(m.get("vmVersion")),
                    args, num(m.get("forks")), num(m.get("warmupIterations")), str(m.get("warmupTime")),
                    num(m.get("measurementIterations")), str(m.get("measurementTime")), num(m.get("threads"))));
        }
        return rows;
    }

    private static Metric metric(Map<?, ?> m) {
        List<Double> forkMeans = new ArrayList<>();
        if (m.get("rawData") instanceof List<?> forks) {
            for (Object fork : forks) {
                if (fork instanceof List<?> it && !it.isEmpty()) {
                    forkMeans.add(it.stream().mapToDouble(x -> x instanceof Double d ? d : Double.NaN).average().orElse(Double.NaN));
                }
            }
        }
        return new Metric(dbl(m.get("score")), dbl(m.get("scoreError")), str(m.get("scoreUnit")), List.copyOf(forkMeans));
    }

    private static double dbl(Object o) {
        return o instanceof Double d ? d : Double.NaN;
    }

    private static int num(Object o) {
        return o instanceof Double d ? d.intValue() : 0;
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }
}
