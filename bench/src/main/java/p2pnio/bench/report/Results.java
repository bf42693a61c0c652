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

    /** One score and its 99.9% error, with its unit. */
    public record Metric(double score, double error, String unit) { }

    /** One benchmark run with one set of parameters. */
    public record Row(String benchmark, String method, String mode, Map<String, String> params, Metric primary,
                      Map<String, Metric> secondary, String jvm, String jdkVersion, String vmName,
                      String vmVersion, List<String> jvmArgs, int forks, int warmupIterations, String warmupTime,
                      int measurementIterations, String measurementTime, int threads) {

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
        return new Metric(dbl(m.get("score")), dbl(m.get("scoreError")), str(m.get("scoreUnit")));
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
