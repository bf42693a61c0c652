package p2pnio.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The multi-source section of BENCHMARKS.md (issue #12): the times {@code p2pnio.bench.MultiSource}
 * ({@code make bench-multisource}) measured for one file from one node, from three, and from three
 * of which one is stopped halfway, each node limited to the same upload rate; medians over the
 * rounds, and the ratios the issue sets as targets (at least 2.7 times the single-source speed).
 */
final class MultiSourceSection {

    /** The target: three sources at least this many times faster than one. */
    static final double TARGET = 2.7;
    /** The best ratio when one of three sources stops halfway: half the file at 3x, half at 2x. */
    static final double KILLED_BEST = 1 / (0.5 / 3 + 0.5 / 2);

    private MultiSourceSection() {
    }

    /** The section for the results in {@code file}, or "" when there are none. */
    static String section(Path file) throws IOException {
        if (file == null || !Files.exists(file)) {
            return "";
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        double size = Double.parseDouble(p.getProperty("size"));
        double rate = Double.parseDouble(p.getProperty("rate"));
        double single = median(p.getProperty("single.seconds"));
        double three = median(p.getProperty("three.seconds"));
        double killed = median(p.getProperty("killed.seconds"));
        StringBuilder md = new StringBuilder("\n## One file from several sources (ranged requests)\n\n");
        md.append(String.format(Locale.ROOT, "One %.0f MiB file served by nodes each limited to %.0f MiB/s of uploads"
                        + " (`--max-upload-rate`), fetched by one node in 4 MiB ranged pieces and verified (SHA-256)"
                        + " before it is put in place; all nodes in one process on loopback, %s cores; %s round(s),"
                        + " medians (`%s`, %s). \"Stopped halfway\": when half the file is in, one of the three nodes"
                        + " is closed (its connections end, its port refuses) and the other two finish its pieces.\n\n",
                size / (1 << 20), rate / (1 << 20), p.getProperty("cores", "?"), p.getProperty("rounds", "?"),
                p.getProperty("command", "make bench-multisource"), p.getProperty("date", "?")));
        md.append("| sources | seconds | MiB/s | speed vs one source |\n|---|---|---|---|\n");
        row(md, "1", single, size, single);
        row(md, "3", three, size, single);
        row(md, "3, one stopped halfway", killed, size, single);
        md.append("\n| target | measured | verdict |\n|---|---|---|\n");
        verdict(md, "3 sources >= " + TARGET + "x one source", single / three, TARGET);
        // half the file at 3 sources, half at 2: 1 / (0.5/3 + 0.5/2) = 2.4x at best
        verdict(md, "3 sources, one stopped halfway: the other two finish it, >= 90 % of the best possible 2.4x",
                single / killed, 0.9 * KILLED_BEST);
        return md.toString();
    }

    private static void row(StringBuilder md, String what, double seconds, double size, double single) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %.2fx |%n", what, seconds,
                size / seconds / (1 << 20), single / seconds));
    }

    private static void verdict(StringBuilder md, String target, double ratio, double wanted) {
        md.append(String.format(Locale.ROOT, "| %s | %.2fx | %s |%n", target, ratio,
                ratio >= wanted ? "met" : String.format(Locale.ROOT, "**not met** (%.2fx wanted)", wanted)));
    }

    private static double median(String values) {
        List<Double> v = new ArrayList<>();
        for (String s : values.split(",")) {
            v.add(Double.parseDouble(s.trim()));
        }
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
