package p2pnio.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import p2pnio.bench.report.Results.Metric;
import p2pnio.bench.report.Results.Row;

/**
 * The chart of BENCHMARKS.md as a plain SVG: one panel of horizontal bars per transfer table
 * (one per set of parameters), our node's bar in its own colour, each bar labelled with its score
 * and its ratio to the node.
 */
final class Chart {

    private static final int WIDTH = 860;
    private static final int LABEL = 130;
    private static final int BAR_MAX = 520;
    private static final int ROW = 20;

    private Chart() {
    }

    static String svg(String runLabel, List<Row> rows) {
        StringBuilder body = new StringBuilder();
        int y = 40;
        for (Report.View v : Report.VIEWS) {
            if (v.ratioParam() == null) {
                continue;
            }
            Map<String, List<Row>> panels = new LinkedHashMap<>();
            for (Row r : rows) {
                if (r.benchmark().equals(v.benchmark()) && r.metric(v.metric()) != null) {
                    Map<String, String> rest = new LinkedHashMap<>(r.params());
                    rest.remove(v.ratioParam());
                    panels.computeIfAbsent(rest.toString(), k -> new ArrayList<>()).add(r);
                }
            }
            for (Map.Entry<String, List<Row>> p : panels.entrySet()) {
                y = panel(body, y, v, p.getKey(), p.getValue(), rows);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, y + 10));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, y + 10));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">p2p-nio benchmarks (%s): higher is better; ratio to our node</text>%n",
                esc(runLabel)));
        return svg.append(body).append("</svg>\n").toString();
    }

    private static int panel(StringBuilder out, int y, Report.View v, String params, List<Row> rows, List<Row> all) {
        double max = rows.stream().mapToDouble(r -> r.metric(v.metric()).central()).max().orElse(1);
        out.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s %s (%s)</text>%n",
                y + 14, esc(v.title()), esc(params.replace("{", "").replace("}", "")), esc(v.unit())));
        y += 22;
        for (Row r : rows) {
            Metric m = r.metric(v.metric());
            String who = r.param(v.ratioParam());
            Row base = Report.baseOf(v, r, all);
            double ratio = base == null ? Double.NaN : m.central() / base.metric(v.metric()).central();
            int w = (int) Math.max(1, Math.round(BAR_MAX * m.central() / max));
            String colour = who.equals(v.ratioBase()) ? "#d9534f" : "#5b8fd1";
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL - 6, y + 13, esc(who)));
            out.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", LABEL, y + 2, w, ROW - 5, colour));
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s%s</text>%n", LABEL + w + 6, y + 13,
                    Report.num(m.central()), Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "  (%.2f×)", ratio)));
            y += ROW;
        }
        return y + 12;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
