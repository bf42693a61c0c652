package p2pnio.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import p2pnio.bench.support.BenchFiles;
import p2pnio.bench.support.Gauges;

/**
 * Runs the whole suite, or a part of it, with one of its profiles and writes every result into one JMH JSON file:
 * <ul>
 *   <li>{@code full} ({@code make bench}): the sizes and iterations of the annotations (1 GiB file,
 *       1 MiB files, 10,000 held connections), but the large file in 5 interleaved rounds of shorter
 *       iterations, written to a file and dropped, and the many downloads in 3 rounds;</li>
 *   <li>{@code quick} ({@code make bench-quick}): the same benchmarks (without the reference-style
 *       contender in the many-downloads one, the slowest to run) with fewer, shorter iterations and
 *       a 256 MiB large file in 3 rounds (the many-downloads and scale ones keep their 1 MiB files,
 *       the loop-turns one its 1 GiB file and 100 small ones),
 *       under 5 minutes on a 2-core machine (the TLS benchmarks are left to {@code tls});</li>
 *   <li>{@code verify} ({@code make bench-verify}): the verified downloads alone, 5 interleaved rounds;</li>
 *   <li>{@code tls} ({@code make bench-tls}): the TLS ceiling ({@code TlsRecordsBenchmark}) and
 *       1 GiB over TLS from our node, from Netty, and plain from our node ({@code TlsBenchmark}), 5
 *       interleaved rounds;</li>
 *   <li>{@code smoke} (the bench module's test): every benchmark method once, in process, on tiny
 *       inputs, so a broken benchmark fails {@code make test}.</li>
 * </ul>
 * Usage: {@code Suite <profile> <result.json> [benchmark-regex]}.
 */
public final class Suite {

    /**
     * One JMH run of the suite: which benchmarks, which parameter overrides, how long, and in how
     * many rounds. A step of several rounds runs every contender in turn, then again, and pools
     * each contender's rounds into one result (as forks of one trial): a slow phase of a shared
     * machine then falls on every contender alike instead of on whichever ran during it.
     */
    record Step(String benchmark, Map<String, String> params, int warmups, int warmupMillis, int measurements,
                int measurementMillis, int rounds) {

        Step(String benchmark, Map<String, String> params, int warmups, int warmupMillis, int measurements,
             int measurementMillis) {
            this(benchmark, params, warmups, warmupMillis, measurements, measurementMillis, 1);
        }
    }

    /** The contenders that can drop the large file instead of writing it ({@code node_to_node} cannot). */
    private static final String DISCARDING = "node,blocking,netty_nio,netty_epoll,limit";

    private Suite() {
    }

    /** The steps of a profile. */
    static List<Step> steps(String profile) {
        return switch (profile) {
            case "full" -> List.of(
                    new Step("LargeFileBenchmark", Map.of(), 1, 2000, 3, 2000, 5),
                    new Step("LargeFileBenchmark", Map.of("sink", "discard", "contender", DISCARDING),
                            1, 2000, 3, 2000, 5),
                    new Step("ManyDownloadsBenchmark", Map.of(), 1, 3000, 2, 3000, 3),
                    new Step("SmallFilesBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("ControlPlaneBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("ConnectionScaleBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("ParsersBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("ReceiveStrategyBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("LoopTurnsBenchmark", Map.of(), -1, -1, -1, -1),
                    new Step("VerifyBenchmark", Map.of(), 1, 3000, 3, 3000, 5),
                    new Step("TlsRecordsBenchmark", Map.of(), 6, 2000, 3, 2000),
                    new Step("TlsBenchmark", Map.of(), 1, 3000, 3, 3000, 5));
            case "verify" -> List.of(
                    new Step("VerifyBenchmark", Map.of(), 1, 3000, 3, 3000, 5));
            case "tls" -> List.of(
                    new Step("TlsRecordsBenchmark", Map.of(), 6, 2000, 3, 2000),
                    // 5 warm-up downloads: our node's JIT needs 4-5 GiB to reach its steady CPU per GiB (after 3, the
                    // first measured GiB still cost it twice the loop CPU); Netty's about 3
                    new Step("TlsBenchmark", Map.of(), 5, 2000, 3, 2000, 5));
            case "quick" -> List.of(
                    new Step("LargeFileBenchmark", Map.of("fileMiB", "256"), 1, 500, 2, 500, 3),
                    new Step("LargeFileBenchmark", Map.of("fileMiB", "256", "sink", "discard",
                            "contender", DISCARDING), 1, 500, 2, 500, 3),
                    new Step("ManyDownloadsBenchmark", Map.of(
                            "contender", "node,blocking,netty_nio,netty_epoll"), 1, 1000, 3, 1000),
                    new Step("SmallFilesBenchmark", Map.of(), 1, 1000, 3, 1000),
                    new Step("ControlPlaneBenchmark", Map.of(), 1, 1000, 3, 1000),
                    new Step("ConnectionScaleBenchmark", Map.of(), 1, 1000, 3, 1000),
                    new Step("ParsersBenchmark", Map.of(), 1, 500, 3, 500),
                    new Step("ReceiveStrategyBenchmark", Map.of("fileMiB", "128"), 1, 1000, 3, 1000),
                    new Step("LoopTurnsBenchmark", Map.of(), 1, 0, 5, 0),
                    new Step("VerifyBenchmark", Map.of("fileMiB", "256"), 1, 1000, 2, 1000, 3));
            case "smoke" -> List.of(
                    new Step("LargeFileBenchmark", Map.of("fileMiB", "1"), 0, 0, 1, 0),
                    new Step("LargeFileBenchmark", Map.of("fileMiB", "1", "sink", "discard", "contender", DISCARDING),
                            0, 0, 1, 0),
                    new Step("ManyDownloadsBenchmark", Map.of("fileKiB", "16", "clients", "4"), 0, 0, 1, 0),
                    new Step("SmallFilesBenchmark", Map.of(), 0, 0, 1, 0),
                    new Step("ControlPlaneBenchmark", Map.of("burst", "4"), 0, 0, 1, 0),
                    new Step("ConnectionScaleBenchmark",
                            Map.of("held", "20", "downloaders", "4", "fileKiB", "16"), 0, 0, 1, 0),
                    new Step("ParsersBenchmark", Map.of(), 0, 0, 1, 0),
                    new Step("ReceiveStrategyBenchmark", Map.of("fileMiB", "1"), 0, 0, 1, 0),
                    new Step("LoopTurnsBenchmark", Map.of("bigMiB", "1", "small", "4", "smallKiB", "16", "topology", "one_jvm"), 0, 0, 1, 0),
                    new Step("VerifyBenchmark", Map.of("fileMiB", "1"), 0, 0, 1, 0),
                    new Step("TlsRecordsBenchmark", Map.of(), 0, 0, 1, 0),
                    new Step("TlsBenchmark", Map.of("fileMiB", "1"), 0, 0, 1, 0));
            default -> throw new IllegalArgumentException("profile must be full, quick, verify, tls or smoke, not " + profile);
        };
    }

    /** The JMH options of one step. */
    static Options options(String profile, Step s) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("p2pnio\\.bench\\." + Pattern.quote(s.benchmark()) + "\\.")
                .addProfiler(Gauges.class)
                .shouldFailOnError(true);
        s.params().forEach((name, values) -> o.param(name, values.split(",")));
        if (profile.equals("smoke")) {
            // Every method once, in this JVM: a check that each benchmark still runs, not a measurement.
            o.forks(0).mode(Mode.SingleShotTime).warmupIterations(0).measurementIterations(1).measurementBatchSize(1);
            return o.build();
        }
        if (s.benchmark().equals("ManyDownloadsBenchmark")) {
            o.addProfiler(GCProfiler.class);
        }
        if (s.warmups() >= 0) {
            o.warmupIterations(s.warmups()).warmupTime(TimeValue.milliseconds(s.warmupMillis()))
                    .measurementIterations(s.measurements()).measurementTime(TimeValue.milliseconds(s.measurementMillis()));
        }
        return o.build();
    }

    /** Runs the steps of {@code profile} whose benchmark matches {@code only}; returns every result. */
    public static List<RunResult> run(String profile, String only) throws RunnerException {
        List<RunResult> all = new ArrayList<>();
        Pattern filter = Pattern.compile(only);
        try {
            for (Step s : steps(profile)) {
                if (filter.matcher(s.benchmark()).find()) {
                    all.addAll(rounds(profile, s));
                }
            }
        } finally {
            BenchFiles.delete(BenchFiles.CACHE);
        }
        return all;
    }

    /** Runs a step's rounds and pools each trial's rounds into one result, in the first round's order. */
    private static List<RunResult> rounds(String profile, Step s) throws RunnerException {
        Map<String, List<BenchmarkResult>> pooled = new LinkedHashMap<>();
        Map<String, BenchmarkParams> params = new LinkedHashMap<>();
        for (int round = 0; round < s.rounds(); round++) {
            for (RunResult r : new Runner(options(profile, s)).run()) {
                String trial = r.getParams().id();
                params.putIfAbsent(trial, r.getParams());
                pooled.computeIfAbsent(trial, k -> new ArrayList<>()).addAll(r.getBenchmarkResults());
            }
        }
        List<RunResult> out = new ArrayList<>();
        pooled.forEach((trial, results) -> out.add(new RunResult(params.get(trial), results)));
        return out;
    }

    /** Writes results as JMH JSON, the format {@code -rf json} writes. */
    public static void writeJson(Collection<RunResult> results, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8)) {
            ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(results);
        }
    }

    /** {@code Suite <full|quick|verify|tls|smoke> <result.json> [benchmark-regex]}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Suite <full|quick|verify|tls|smoke> <result.json> [benchmark-regex]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        List<RunResult> results = run(args[0], args.length > 2 ? args[2] : ".");
        writeJson(results, Path.of(args[1]));
        System.out.printf("%n%d results written to %s in %.0f s%n", results.size(), args[1],
                (System.nanoTime() - t0) / 1e9);
    }
}
