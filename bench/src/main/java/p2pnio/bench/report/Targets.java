package p2pnio.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import p2pnio.bench.report.Results.Metric;
import p2pnio.bench.report.Results.Row;

/**
 * The targets, judged from one run: one large file against Netty, the limit pair and the
 * reference-style loop; 1,000 concurrent downloads against the blocking server (rate, heap,
 * resident memory) and the growth of p99 time to first byte from 100 to 1,000 clients; one large
 * file over TLS against Netty's {@code SslHandler}, with its cost against plain stated.
 */
final class Targets {

    private Targets() {
    }

    static String judge(List<Row> rows) {
        List<String> lines = new ArrayList<>();
        for (Row node : find(rows, "LargeFileBenchmark", "contender", "node")) {
            String size = node.param("fileMiB") + " MiB" + switch (node.param("sink")) {
                case "file" -> ", written to a file";
                case "discard" -> ", dropped by the client";
                default -> "";
            };
            compare(lines, rows, node, "MiB", "netty_nio", 1.0, "one large file (" + size + ") ≥ Netty NIO");
            compare(lines, rows, node, "MiB", "netty_epoll", 1.0, "one large file (" + size + ") ≥ Netty epoll");
            compare(lines, rows, node, "MiB", "limit", 0.85, "one large file (" + size + ") ≥ 0.85 × limit pair");
            compare(lines, rows, node, "MiB", "reference", 2.0, "one large file (" + size + ") far above reference-style (≥ 2×)");
        }
        for (String way : List.of("while_receiving", "after_last_byte")) {
            for (Row verified : find(rows, "VerifyBenchmark", "contender", way)) {
                compare(lines, rows, verified, "MiB", "unverified", 0.9, "verified download (" + way + ", "
                        + verified.param("fileMiB") + " MiB, node to node) ≥ 0.9 × unverified");
            }
        }
        for (Row tls : find(rows, "TlsBenchmark", "contender", "node_tls")) {
            String what = "one large file over TLS (" + tls.param("fileMiB") + " MiB)";
            compare(lines, rows, tls, "MiB", "netty_tls", 1.0, what + " ≥ Netty SslHandler (JDK provider)");
            Row plain = other(rows, tls, "node_plain");
            if (plain != null && plain.metric("MiB") != null && plain.metric("MiB").central() > 0) {
                double ratio = tls.metric("MiB").central() / plain.metric("MiB").central();
                lines.add("| " + what + ": the cost against plain, stated | " + String.format(Locale.ROOT,
                        "TLS %s vs plain %s MiB/s: **%.2f×** of plain | stated |\n", Report.num(tls.metric("MiB").central()),
                        Report.num(plain.metric("MiB").central()), ratio));
            }
        }
        for (Row node : find(rows, "ManyDownloadsBenchmark", "contender", "node")) {
            if (!node.param("clients").equals("1000")) {
                continue;
            }
            String what = "1,000 concurrent downloads (" + node.param("fileKiB") + " KiB each)";
            compare(lines, rows, node, "MiB", "blocking", 1.0, what + ": rate ≥ blocking with 1,000 threads");
            lower(lines, rows, node, "liveHeapMiB", "blocking", what + ": live heap below blocking's");
            lower(lines, rows, node, "rssMiB", "blocking", what + ": resident memory below blocking's");
            Row small = rows.stream().filter(r -> r.benchmark().equals("ManyDownloadsBenchmark")
                    && r.param("contender").equals("node") && r.param("clients").equals("100")
                    && r.param("fileKiB").equals(node.param("fileKiB"))).findFirst().orElse(null);
            Metric p1000 = node.metric("ttfb.p99");
            Metric p100 = small == null ? null : small.metric("ttfb.p99");
            if (p1000 != null && p100 != null && p100.score() > 0) {
                double growth = p1000.score() / p100.score();
                lines.add(row("p99 time to first byte grows no more than linearly (100 → 1,000 clients: ≤ 10×)",
                        String.format(Locale.ROOT, "%.1f ms → %.1f ms: %.2f×", p100.score(), p1000.score(), growth),
                        growth <= 10.0));
            }
        }
        for (Row r : rows) {
            if (!r.benchmark().equals("LoopTurnsBenchmark")) {
                continue;
            }
            Metric server = r.metric("serverTurnP999Ms");
            Metric fetcher = r.metric("fetcherTurnP999Ms");
            if (server == null || fetcher == null) {
                continue;
            }
            String what = "p99.9 loop turn under 5 ms, one " + r.param("bigMiB") + " MiB and " + r.param("small") + " × "
                    + r.param("smallKiB") + " KiB downloads at once"
                    + (r.param("sendChunkKiB").isEmpty() ? "" : " (sending " + r.param("sendChunkKiB")
                    + " KiB per upload and " + r.param("sendBudgetKiB") + " KiB in all per turn)")
                    + switch (r.param("topology")) {
                        case "two_processes" -> ", each node in its own process pinned to its own vCPU (as on two machines)";
                        case "one_jvm" -> ", both nodes in one JVM sharing both vCPUs";
                        default -> "";
                    };
            lines.add(row(what, String.format(Locale.ROOT, "server %.2f ms, fetcher %.2f ms (longest turns below the"
                            + " loop-turns table)", server.score(), fetcher.score()),
                    server.score() < 5 && fetcher.score() < 5));
        }
        if (lines.isEmpty()) {
            return "No benchmark of this run has a target.\n";
        }
        return "| target | measured | verdict |\n|---|---|---|\n" + String.join("", lines);
    }

    private static List<Row> find(List<Row> rows, String benchmark, String param, String value) {
        return rows.stream().filter(r -> r.benchmark().equals(benchmark) && r.param(param).equals(value)).toList();
    }

    private static Row other(List<Row> rows, Row node, String contender) {
        for (Row r : rows) {
            if (r.benchmark().equals(node.benchmark()) && r.method().equals(node.method())
                    && r.param("contender").equals(contender) && Report.sameExcept(r, node, "contender")) {
                return r;
            }
        }
        return null;
    }

    private static void compare(List<String> lines, List<Row> rows, Row node, String metric, String contender,
                                double atLeast, String target) {
        Row o = other(rows, node, contender);
        Metric a = node.metric(metric);
        Metric b = o == null ? null : o.metric(metric);
        if (a == null || b == null || b.central() == 0) {
            return;
        }
        double ratio = a.central() / b.central();
        boolean overlap = a.high() >= atLeast * b.low() && a.low() <= atLeast * b.high();
        String measured = String.format(Locale.ROOT, "node %s vs %s %s MiB/s%s: **%.2f×**%s", Report.num(a.central()),
                contender, Report.num(b.central()), a.pooled() ? " (medians of rounds)" : "", ratio,
                overlap && ratio < atLeast ? " (within " + (a.pooled() ? "the rounds' range" : "error") + ")" : "");
        lines.add(row(target, measured, ratio >= atLeast));
    }

    private static void lower(List<String> lines, List<Row> rows, Row node, String metric, String contender,
                              String target) {
        Row o = other(rows, node, contender);
        Metric a = node.metric(metric);
        Metric b = o == null ? null : o.metric(metric);
        if (a == null || b == null) {
            return;
        }
        String measured = String.format(Locale.ROOT, "node %.1f MiB vs %s %.1f MiB", a.score(), contender, b.score());
        lines.add(row(target, measured, a.score() < b.score()));
    }

    private static String row(String target, String measured, boolean met) {
        return "| " + target + " | " + measured + " | " + (met ? "met" : "**missed**") + " |\n";
    }
}
