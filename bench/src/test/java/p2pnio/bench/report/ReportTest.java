package p2pnio.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads JMH's JSON and turns it into tables, ratios to our node and target verdicts. */
class ReportTest {

    private static String row(String benchmark, Map<String, String> params, double score, String secondary) {
        StringBuilder p = new StringBuilder();
        params.forEach((k, v) -> p.append(p.length() == 0 ? "" : ",").append('"').append(k).append("\":\"").append(v).append('"'));
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"p2pnio.bench." + benchmark + "\",\"mode\":\"thrpt\",\"threads\":1,"
                + "\"forks\":1,\"jvm\":\"java\",\"jvmArgs\":[\"-Xmx1g\"],\"jdkVersion\":\"17\",\"vmName\":\"VM\","
                + "\"vmVersion\":\"17\",\"warmupIterations\":1,\"warmupTime\":\"1 s\",\"measurementIterations\":2,"
                + "\"measurementTime\":\"2 s\",\"params\":{" + p + "},"
                + "\"primaryMetric\":{\"score\":1.5,\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\",\"rawData\":[[1.5]]},"
                + "\"secondaryMetrics\":{\"MiB\":{\"score\":" + score + ",\"scoreError\":10.0,\"scoreUnit\":\"ops/s\"}"
                + secondary + "}}";
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String gauges(double p99, double heap, double rss) {
        return ",\"ttfb.p99\":{\"score\":" + p99 + ",\"scoreError\":1.0,\"scoreUnit\":\"ms\"},"
                + "\"liveHeapMiB\":{\"score\":" + heap + ",\"scoreError\":1.0,\"scoreUnit\":\"MiB\"},"
                + "\"rssMiB\":{\"score\":" + rss + ",\"scoreError\":1.0,\"scoreUnit\":\"MiB\"}";
    }

    @Test
    void tablesCarryRatiosToTheNodeAndTheTargetsAreJudged(@TempDir Path dir) throws Exception {
        String json = "[" + String.join(",", List.of(
                row("LargeFileBenchmark.download", params("contender", "node", "fileMiB", "256"), 1000, ""),
                row("LargeFileBenchmark.download", params("contender", "netty_nio", "fileMiB", "256"), 1250, ""),
                row("LargeFileBenchmark.download", params("contender", "limit", "fileMiB", "256"), 1100, ""),
                row("LargeFileBenchmark.download", params("contender", "reference", "fileMiB", "256"), 200, ""),
                row("ManyDownloadsBenchmark.wave", params("contender", "node", "clients", "100", "fileKiB", "256"),
                        900, gauges(20, 3, 1100)),
                row("ManyDownloadsBenchmark.wave", params("contender", "node", "clients", "1000", "fileKiB", "256"),
                        950, gauges(300, 4, 1100)),
                row("ManyDownloadsBenchmark.wave", params("contender", "blocking", "clients", "1000", "fileKiB", "256"),
                        800, gauges(100, 12, 1200)))) + "]";
        Path results = Files.writeString(dir.resolve("r.json"), json);
        Path notes = Files.writeString(dir.resolve("notes.md"), "## Closing note\n\nWhy.\n");
        Path out = dir.resolve("BENCHMARKS.md");
        Path svg = dir.resolve("docs/results.svg");

        Report.main(new String[] {"--out", out.toString(), "--svg", svg.toString(), "--notes", notes.toString(),
                "--command", "make bench-quick", "--run", "quick run=" + results, "--run", "full run=" + dir.resolve("absent.json")});

        String md = Files.readString(out);
        assertThat(md)
                .contains("| **node** | 256 | 1,000 | 10.00 | MiB/s | 1.00× |")
                .contains("| netty_nio | 256 | 1,250 | 10.00 | MiB/s | 1.25× |")
                .contains("one large file (256 MiB) ≥ Netty NIO | node 1,000 vs netty_nio 1,250 MiB/s: **0.80×** | **missed**")
                .contains("≥ 0.85 × limit pair | node 1,000 vs limit 1,100 MiB/s: **0.91×** | met")
                .contains("far above reference-style (≥ 2×) | node 1,000 vs reference 200.0 MiB/s: **5.00×** | met")
                .contains("rate ≥ blocking with 1,000 threads | node 950.0 vs blocking 800.0 MiB/s: **1.19×** | met")
                .contains("live heap below blocking's | node 4.0 MiB vs blocking 12.0 MiB | met")
                .contains("(100 → 1,000 clients: ≤ 10×) | 20.0 ms → 300.0 ms: 15.00× | **missed**")
                .contains("![results](docs/results.svg)")
                .contains("## Closing note")
                .doesNotContain("Full run");
        assertThat(Files.readString(svg)).startsWith("<svg").contains("netty_nio").contains("(1.25×)");
    }

    /** A row as the suite writes it after pooling three rounds: one raw-data array per round. */
    private static String pooled(String contender, double mean, String rounds) {
        return row("LargeFileBenchmark.download", params("contender", contender, "fileMiB", "64", "sink", "discard"), mean, "")
                .replace("\"rawData\":[[1.5]]", "\"rawData\":[[1.5],[1.4],[1.6]]")
                .replace("\"scoreError\":10.0,\"scoreUnit\":\"ops/s\"}", "\"scoreError\":10.0,\"scoreUnit\":\"ops/s\",\"rawData\":" + rounds + "}");
    }

    @Test
    void pooledRoundsAreReadAsTheMedianOfTheRoundsAndTheSinkIsNamed(@TempDir Path dir) throws Exception {
        // node: one fast round (5,000) drags the mean to 2,300; the median (1,000) is the typical round.
        String json = "[" + pooled("node", 2300, "[[900.0,900.0],[1000.0],[5000.0]]") + ","
                + pooled("limit", 1100, "[[1000.0],[1100.0],[1200.0]]") + "]";
        Path results = Files.writeString(dir.resolve("r.json"), json);

        assertThat(Results.read(results)).extracting(Results.Row::rounds).containsExactly(3, 3);
        Path out = dir.resolve("BENCHMARKS.md");
        Report.main(new String[] {"--out", out.toString(), "--command", "make bench", "--run", "full run=" + results});
        assertThat(Files.readString(out))
                .contains("LargeFile: 3 interleaved rounds of 1 fork, 1×1 s warm-up, 2×2 s measured")
                .contains("| contender | fileMiB | sink | median of rounds | rounds min–max | unit | ratio to node |")
                .contains("| **node** | 64 | discard | 1,000 | 900.0–5,000 | MiB/s | 1.00× |")
                .contains("| limit | 64 | discard | 1,100 | 1,000–1,200 | MiB/s | 1.10× |")
                .contains("one large file (64 MiB, dropped by the client) ≥ 0.85 × limit pair"
                        + " | node 1,000 vs limit 1,100 MiB/s (medians of rounds): **0.91×** | met");
    }

    private static void round(Path dir, String build, String contender, int round, double mib, double p99)
            throws Exception {
        Files.writeString(dir.resolve(build + "-" + contender + "-r" + round + ".json"), "[" + row("ManyDownloadsBenchmark.wave",
                params("contender", contender, "clients", "1000", "fileKiB", "1024"), mib, gauges(p99, 5, 1100)) + "]");
    }

    @Test
    void theFairLoopSectionGivesMediansOfInterleavedRoundsAndJudgesTheTargets(@TempDir Path dir) throws Exception {
        Path fair = Files.createDirectories(dir.resolve("fairness"));
        round(fair, "before", "node", 1, 900, 120);
        round(fair, "after", "node", 1, 950, 50);
        round(fair, "after", "blocking", 1, 800, 60);
        round(fair, "before", "node", 2, 700, 300);
        round(fair, "after", "node", 2, 880, 70);
        round(fair, "after", "blocking", 2, 850, 65);
        round(fair, "before", "node", 3, 800, 110);
        round(fair, "after", "node", 3, 1000, 40);
        round(fair, "after", "blocking", 3, 900, 90);
        Files.writeString(fair.resolve("run.properties"), "before=b25f8bd\nafter=abc1234\nrounds=3\n"
                + "date=2026-11-30 10:00 UTC\ncommand=make bench-fairness BEFORE=b25f8bd ROUNDS=3\n");
        Files.writeString(fair.resolve("notes.txt"), "not a result: left alone");
        Path results = Files.writeString(dir.resolve("r.json"), "[" + pooled("node", 1000, "[[1000.0]]") + "]");
        Path out = dir.resolve("BENCHMARKS.md");

        Report.main(new String[] {"--out", out.toString(), "--command", "make bench", "--run", "full run=" + results,
                "--fairness", fair.toString()});

        assertThat(Files.readString(out))
                .contains("## A fair loop: before and after the send round")
                .contains("commit `b25f8bd`", "commit `abc1234`", "in 3 interleaved rounds",
                        "Made with `make bench-fairness BEFORE=b25f8bd ROUNDS=3`")
                .contains("| before | node | 1000 | 3 | 800.0 (700.0–900.0) |  | 120.0 (110.0–300.0) |  |\n"
                        + "| after | node | 1000 | 3 | 950.0 (880.0–1,000) |  | 50.00 (40.00–70.00) |  |\n"
                        + "| after | blocking | 1000 | 3 | 850.0 (800.0–900.0) |  | 65.00 (60.00–90.00) |  |\n")
                .contains("| p99 time to first byte at 1,000 clients ≤ the blocking server's | node 50.0 ms vs"
                        + " blocking 65.0 ms (medians); node ≤ blocking in 2 of 3 rounds | met |")
                .contains("| rate at 1,000 clients no lower than before | after 950.0 vs before 800.0 MiB/s (medians):"
                        + " **1.19×** | met |");
    }

    @Test
    void jsonReaderKeepsOrderNumbersAndJmhsQuotedNaN() {
        Object v = Json.parse("{\"b\": [1, 2.5e3, \"NaN\", true, null], \"a\": {\"x\": \"\\u00e9\\n\"}}");
        assertThat(v).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertThat(m.keySet()).containsExactly("b", "a");
        @SuppressWarnings("unchecked")
        List<Object> b = (List<Object>) m.get("b");
        assertThat(b).containsExactly(1.0, 2500.0, "NaN", true, null);
        assertThat(((Map<?, ?>) m.get("a")).get("x")).isEqualTo("é\n");
    }

    @Test
    void theLoopTurnsTargetIsJudgedOnBothNodesP999AndTheLongestTurnIsNamed(@TempDir Path dir) throws Exception {
        String turns = ",\"serverTurnP999Ms\":{\"score\":1.25,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"},"
                + "\"fetcherTurnP999Ms\":{\"score\":6.5,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"},"
                + "\"named: fetcher longest turn: task 'x' done\":{\"score\":9.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"},"
                + "\"named: fetcher longest turn: download#3 `big`\":{\"score\":40.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"}";
        String json = "[" + row("LoopTurnsBenchmark.wave", params("contender", "node_to_node", "bigMiB", "1024",
                "small", "100", "smallKiB", "64"), 0, turns) + "]";
        Path results = Files.writeString(dir.resolve("r.json"), json);
        Path out = dir.resolve("BENCHMARKS.md");

        Report.main(new String[] {"--out", out.toString(), "--command", "make bench-quick", "--run", "quick run=" + results});

        assertThat(Files.readString(out))
                .contains("| p99.9 loop turn under 5 ms, one 1024 MiB and 100 × 64 KiB downloads at once | server 1.25 ms,"
                        + " fetcher 6.50 ms (longest turns below the loop-turns table) | **missed** |")
                .contains("### 7. Loop turns under load")
                .contains("- Fetcher longest turn (contender=node_to_node, bigMiB=1024, small=100, smallKiB=64): 40.00 ms,"
                        + " ran: `download#3 'big'`")
                .doesNotContain("task 'x' done");
    }

    @Test
    void eachTopologyOfTheLoopTurnsBenchmarkHasItsOwnTargetRowThatSaysWhereTheNodesRan(@TempDir Path dir) throws Exception {
        String turns = ",\"serverTurnP999Ms\":{\"score\":4.5,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"},"
                + "\"fetcherTurnP999Ms\":{\"score\":4.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms\"}";
        String json = "[" + row("LoopTurnsBenchmark.wave", params("contender", "node_to_node", "bigMiB", "1024",
                "small", "100", "smallKiB", "64", "topology", "two_processes"), 0, turns) + ","
                + row("LoopTurnsBenchmark.wave", params("contender", "node_to_node", "bigMiB", "1024",
                "small", "100", "smallKiB", "64", "topology", "one_jvm"), 0, turns.replace("4.5", "8.0")) + "]";
        Path results = Files.writeString(dir.resolve("r.json"), json);
        Path out = dir.resolve("BENCHMARKS.md");

        Report.main(new String[] {"--out", out.toString(), "--command", "make bench-quick", "--run", "quick run=" + results});

        assertThat(Files.readString(out))
                .contains("| p99.9 loop turn under 5 ms, one 1024 MiB and 100 × 64 KiB downloads at once, each node in its own"
                        + " process pinned to its own vCPU (as on two machines) | server 4.50 ms, fetcher 4.00 ms (longest"
                        + " turns below the loop-turns table) | met |")
                .contains("| p99.9 loop turn under 5 ms, one 1024 MiB and 100 × 64 KiB downloads at once, both nodes in one JVM"
                        + " sharing both vCPUs | server 8.00 ms, fetcher 4.00 ms (longest turns below the loop-turns table)"
                        + " | **missed** |");
    }

    @Test
    void theTlsTableIsRelativeToOurNodeAndJudgedAgainstNettyWithTheCostAgainstPlainStated(@TempDir Path dir)
            throws Exception {
        String cpu = ",\"serverCpuMsPerGiB\":{\"score\":900.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms/GiB\"},"
                + "\"loopCpuMsPerGiB\":{\"score\":800.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms/GiB\"},"
                + "\"clientCpuMsPerGiB\":{\"score\":1700.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms/GiB\"},"
                + "\"gcCpuMsPerGiB\":{\"score\":2.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"ms/GiB\"},"
                + "\"loadAverage\":{\"score\":3.25,\"scoreError\":\"NaN\",\"scoreUnit\":\"#\"}";
        String json = "[" + String.join(",", List.of(
                row("TlsBenchmark.download", params("contender", "node_tls", "fileMiB", "1024"), 300, cpu),
                row("TlsBenchmark.download", params("contender", "netty_tls", "fileMiB", "1024"), 250, cpu),
                row("TlsBenchmark.download", params("contender", "node_plain", "fileMiB", "1024"), 600, cpu),
                row("TlsRecordsBenchmark.wrapUnwrap", params("buffers", "heap"), 800, ""),
                row("TlsRecordsBenchmark.wrapUnwrap", params("buffers", "direct"), 400, ""))) + "]";
        Path results = Files.writeString(dir.resolve("r.json"), json);
        Path out = dir.resolve("BENCHMARKS.md");

        Report.main(new String[] {"--out", out.toString(), "--command", "make bench-tls", "--run", "TLS run=" + results});

        assertThat(Files.readString(out))
                .contains("### 9. One large file over TLS (issue 15)")
                .contains("| **node_tls** | 1024 | 300.0 | 10.00 | MiB/s | 1.00× | 900 | 800 | 1700 | 2 | 3.3 |")
                .contains("| netty_tls | 1024 | 250.0 | 10.00 | MiB/s | 0.83× | 900 | 800 | 1700 | 2 | 3.3 |")
                .contains("| one large file over TLS (1024 MiB) ≥ Netty SslHandler (JDK provider) |"
                        + " node 300.0 vs netty_tls 250.0 MiB/s: **1.20×** | met |")
                .contains("| one large file over TLS (1024 MiB): the cost against plain, stated |"
                        + " TLS 300.0 vs plain 600.0 MiB/s: **0.50×** of plain | stated |")
                .contains("### 9a. The TLS ceiling: SSLEngine alone (issue 15)")
                .contains("| direct | 400.0 | 10.00 | MiB/s | 0.50× |");
    }
}
