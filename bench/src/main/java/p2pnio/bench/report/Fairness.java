package p2pnio.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import p2pnio.bench.report.Results.Metric;
import p2pnio.bench.report.Results.Row;

/**
 * The fair loop's section of BENCHMARKS.md: the many-downloads benchmark run by
 * {@code bench/tools/fairness.sh} (what {@code make bench-fairness} calls) for our node as it was
 * before the send round ({@code before}), as it is ({@code after}), and the blocking server, in
 * interleaved rounds of one session. Each JSON file of the folder is one round of one of them,
 * named {@code <build>-<contender>-r<round>.json}; {@code run.properties} says which commits and
 * settings made them. The table gives each one's median over the rounds and the range; the
 * targets compare medians, and count the rounds in which the node beat the blocking server run
 * next to it.
 */
final class Fairness {

    private static final Pattern FILE = Pattern.compile("(\\w+)-(\\w+)-r(\\d+)\\.json");
    private static final String[][] COLUMNS = {
        {"MiB", "MiB/s"}, {"ttfb.p50", "TTFB p50 ms"}, {"ttfb.p99", "TTFB p99 ms"},
        {"serverCpuMsPerGiB", "server CPU ms/GiB"}};

    /** One build and contender at one number of clients, with one value per round and metric. */
    private record Series(String build, String contender, String clients, Map<String, TreeMap<Integer, Double>> values) {
        List<Double> of(String metric) {
            return new ArrayList<>(values.getOrDefault(metric, new TreeMap<>()).values());
        }
    }

    private Fairness() {
    }

    /** The section for the results in {@code dir}, or "" when there are none. */
    static String section(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return "";
        }
        Map<String, Series> series = new LinkedHashMap<>();
        Row settings = null;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> FILE.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path f : files) {
            Matcher m = FILE.matcher(f.getFileName().toString());
            m.matches();
            int round = Integer.parseInt(m.group(3));
            for (Row r : Results.read(f)) {
                settings = settings == null ? r : settings;
                String key = m.group(1) + "/" + r.param("contender") + "/" + r.param("clients");
                Series x = series.computeIfAbsent(key, k -> new Series(m.group(1), r.param("contender"),
                        r.param("clients"), new LinkedHashMap<>()));
                for (String[] c : COLUMNS) {
                    Metric v = r.metric(c[0]);
                    if (v != null && !Double.isNaN(v.score())) {
                        x.values().computeIfAbsent(c[0], k -> new TreeMap<>()).put(round, v.score());
                    }
                }
            }
        }
        if (series.isEmpty()) {
            return "";
        }
        Properties run = new Properties();
        Path props = dir.resolve("run.properties");
        if (Files.exists(props)) {
            try (Reader in = Files.newBufferedReader(props)) {
                run.load(in);
            }
        }
        StringBuilder md = new StringBuilder("\n## A fair loop: before and after the send round\n\n");
        md.append("The many-downloads benchmark (1 MiB files, a wave of `clients` downloads at once) for our node"
                + " before the send round (`before`, commit `").append(run.getProperty("before", "?"))
                .append("`), after it (`after`, commit `").append(run.getProperty("after", "?"))
                .append("`), and the blocking server, in ").append(run.getProperty("rounds", "?"))
                .append(" interleaved rounds of one session (").append(run.getProperty("date", "?"))
                .append("; each round runs the three, in an order that alternates). Made with `")
                .append(run.getProperty("command", "make bench-fairness")).append("`; each run ")
                .append(settings.forks()).append(" fork, ").append(settings.warmupIterations()).append("×")
                .append(settings.warmupTime()).append(" warm-up, ").append(settings.measurementIterations())
                .append("×").append(settings.measurementTime()).append(" measured. Median of the rounds, their range"
                + " in brackets.\n\n");
        md.append("| build | contender | clients | rounds |");
        for (String[] c : COLUMNS) {
            md.append(' ').append(c[1]).append(" |");
        }
        md.append("\n|---|---|---|---|");
        md.append("---|".repeat(COLUMNS.length)).append('\n');
        List<Series> rows = new ArrayList<>(series.values());
        // before, then after; our node, then the blocking server
        rows.sort(java.util.Comparator.comparing((Series x) -> !x.build().equals("before"))
                .thenComparing(x -> !x.contender().equals("node")).thenComparing(Series::clients));
        for (Series s : rows) {
            md.append("| ").append(s.build()).append(" | ").append(s.contender()).append(" | ").append(s.clients())
                    .append(" | ").append(s.of("MiB").size()).append(" |");
            for (String[] c : COLUMNS) {
                List<Double> v = s.of(c[0]);
                md.append(' ').append(v.isEmpty() ? "" : Report.num(median(v)) + " (" + Report.num(min(v)) + "–"
                        + Report.num(max(v)) + ")").append(" |");
            }
            md.append('\n');
        }
        md.append('\n').append(targets(series));
        return md.toString();
    }

    private static String targets(Map<String, Series> series) {
        StringBuilder t = new StringBuilder("| target | measured | verdict |\n|---|---|---|\n");
        boolean any = false;
        for (Series after : series.values()) {
            if (!after.build().equals("after") || !after.contender().equals("node")) {
                continue;
            }
            Series blocking = series.get("after/blocking/" + after.clients());
            Series before = series.get("before/node/" + after.clients());
            String clients = String.format(Locale.ROOT, "%,d", Integer.parseInt(after.clients()));
            if (blocking != null && !after.of("ttfb.p99").isEmpty() && !blocking.of("ttfb.p99").isEmpty()) {
                double a = median(after.of("ttfb.p99"));
                double b = median(blocking.of("ttfb.p99"));
                int won = 0;
                int paired = 0;
                TreeMap<Integer, Double> mine = after.values().get("ttfb.p99");
                for (Map.Entry<Integer, Double> e : blocking.values().get("ttfb.p99").entrySet()) {
                    Double m = mine.get(e.getKey());
                    if (m != null) {
                        paired++;
                        won += m <= e.getValue() ? 1 : 0;
                    }
                }
                t.append(String.format(Locale.ROOT, "| p99 time to first byte at %s clients ≤ the blocking server's"
                        + " | node %.1f ms vs blocking %.1f ms (medians); node ≤ blocking in %d of %d rounds | %s |\n",
                        clients, a, b, won, paired, a <= b ? "met" : "**missed**"));
                any = true;
            }
            if (before != null && !after.of("MiB").isEmpty() && !before.of("MiB").isEmpty()) {
                double a = median(after.of("MiB"));
                double b = median(before.of("MiB"));
                boolean overlap = max(after.of("MiB")) >= min(before.of("MiB"));
                t.append(String.format(Locale.ROOT, "| rate at %s clients no lower than before | after %s vs before %s"
                        + " MiB/s (medians): **%.2f×**%s | %s |\n", clients, Report.num(a), Report.num(b), a / b,
                        a < b && overlap ? " (within the rounds' range)" : "", a >= b ? "met" : "**missed**"));
                any = true;
            }
        }
        return any ? t.toString() : "";
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
