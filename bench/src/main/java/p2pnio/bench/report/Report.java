package p2pnio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import p2pnio.bench.report.Results.Metric;
import p2pnio.bench.report.Results.Row;
import p2pnio.bench.support.Gauges;

/**
 * Turns JMH JSON result files into BENCHMARKS.md and its chart: one table per benchmark with each
 * contender's score, error and ratio to our node, the targets of the benchmark issue with met or
 * missed, the machine and JVM, the command, and the hand-written analysis appended verbatim.
 *
 * <pre>
 * Report --out BENCHMARKS.md --svg docs/bench/results.svg --notes docs/bench/analysis.md \
 *        --command "make bench-quick" --run "quick run=bench/results/quick.json" [--run ...] \
 *        [--fairness bench/results/fairness] [--multisource bench/results/multisource.properties]
 * </pre>
 * The first {@code --run} is the headline: its numbers are charted and its targets judged first.
 * {@code --multisource} adds the multi-source proof ({@link MultiSourceSection}) if its file exists.
 * {@code --fairness} adds the fair loop's before-and-after section ({@link Fairness}) if its
 * folder holds results.
 */
public final class Report {

    /** How one benchmark's table is drawn. */
    record View(String benchmark, String title, String what, String metric, String unit, boolean higherIsBetter,
                String ratioParam, String ratioBase, List<String[]> extras) { }

    /** The views, in the order. Extras are {metric name, column header, format[, divisor]}. */
    static final List<View> VIEWS = List.of(
            new View("LargeFileBenchmark", "1. One large file",
                    "One file from the page cache, fetched whole over loopback, one download at a time. `sink`: `file`, the"
                            + " client writes the body to a file (as a node does); `discard`, it reads and drops it, so the"
                            + " servers' sending is compared without the client's page-cache write (the largest cost of the"
                            + " `file` runs). Every contender reads the same served file and writes the same sink (the"
                            + " same page-cache pages), and the rounds of the full run interleave the contenders. Server CPU:"
                            + " the process's CPU time but the client thread's and the JVM's own, per GiB (for `node_to_node`"
                            + " both nodes).",
                    "MiB", "MiB/s", true, "contender", "node", List.<String[]>of(
                    new String[] {"serverCpuMsPerGiB", "server CPU ms/GiB", "%.0f"})),
            new View("ManyDownloadsBenchmark", "2. Many concurrent downloads",
                    "`clients` connections at once, each fetching its own file; a wave per operation, started together:"
                            + " every connection is opened and its request sent but the newline, the server's own count of"
                            + " connections is awaited (the blocking server then runs a thread for each), then every newline"
                            + " goes. Memory is sampled at that start line (heap fixed and pre-touched, so RSS differences are"
                            + " off-heap: thread stacks above all). TTFB is from a connection's newline to the select that first"
                            + " reports it readable. Server CPU is the process's CPU time but the client thread's and the JVM's own"
                            + " (JIT, GC), per GiB served:"
                            + " when the one client thread is what limits the rate, it is what still tells the servers apart.",
                    "MiB", "MiB/s", true, "contender", "node", List.of(
                    new String[] {"ttfb.p50", "TTFB p50 ms", "%.1f"},
                    new String[] {"ttfb.p99", "TTFB p99 ms", "%.1f"},
                    new String[] {"liveHeapMiB", "live heap MiB", "%.1f"},
                    new String[] {"rssMiB", "RSS MiB", "%.0f"},
                    new String[] {"threads", "threads", "%.0f"},
                    new String[] {"serverCpuMsPerGiB", "server CPU ms/GiB", "%.0f"},
                    new String[] {"gc.alloc.rate.norm", "allocated MiB/wave", "%.1f", "1048576"})),
            new View("SmallFilesBenchmark", "3. Small files",
                    "Requests per second for small files, each over a fresh connection, from 4 client threads.",
                    "", "req/s", true, "contender", "node", List.of()),
            new View("ControlPlaneBenchmark", "4. Control plane",
                    "`getBurst`: bursts of `burst` `Get` datagrams from one priority peer and their `File` answers"
                            + " (the answers/s column is the loop's rate). `getRoundTrip`: one `Get` to its `File`, µs.",
                    "", "", true, null, null, List.<String[]>of(
                    new String[] {"answers", "answers/s", "%.0f"})),
            new View("ConnectionScaleBenchmark", "5. Connection scale",
                    "`held` idle connections held open by another process while waves of `downloaders` concurrent downloads"
                            + " run. Memory is this process's (server plus the downloaders' client), before and after the"
                            + " connections were opened; heap after a full GC.",
                    "MiB", "MiB/s", true, "contender", "node", List.of(
                    new String[] {"ttfb.p99", "TTFB p99 ms", "%.1f"},
                    new String[] {"heapBeforeMiB", "heap before MiB", "%.1f"},
                    new String[] {"heapHeldMiB", "heap held MiB", "%.1f"},
                    new String[] {"heapPerConnectionBytes", "heap B/conn", "%.0f"},
                    new String[] {"rssBeforeMiB", "RSS before MiB", "%.0f"},
                    new String[] {"rssHeldMiB", "RSS held MiB", "%.0f"},
                    new String[] {"rssPerConnectionBytes", "RSS B/conn", "%.0f"})),
            new View("ParsersBenchmark", "6. Parsers and queue",
                    "Nanoseconds per operation (lower is better). `handoff` is a producer thread offering to the mailbox while"
                            + " the loop thread polls it.",
                    "", "ns/op", false, null, null, List.of(
                    new String[] {"offer", "offer ns", "%.1f"},
                    new String[] {"poll", "poll ns", "%.1f"})),
            new View("ReceiveStrategyBenchmark", "Download receive strategy: direct buffer vs transferFrom",
                    "The engine issue's question: reading the socket into a reused direct buffer and writing it to the file,"
                            + " against `FileChannel.transferFrom(socket)`. Same `transferTo` sender, same file, loopback.",
                    "MiB", "MiB/s", true, "strategy", "directBuffer", List.of()),
            new View("VerifyBenchmark", "8. Verified downloads (issue 11)",
                    "One node fetches a file from another (UDP `Get`/extended `File`, then its own download into a new"
                            + " file), the content checked against the SHA-256 of the answer: `while_receiving` (the node's"
                            + " verify thread hashes the bytes as they arrive, read back from the page cache; the default),"
                            + " `after_last_byte` (it reads and hashes the whole file after the last byte), against"
                            + " `unverified` (`verify` OFF). The rounds interleave the three; the target is verified"
                            + " ≥ 0.9 × unverified in the same run.",
                    "MiB", "MiB/s", true, "contender", "unverified", List.of()),
            new View("TlsBenchmark", "9. One large file over TLS (issue 15)",
                    "One file from the page cache over loopback, one download at a time, read by one client for every"
                            + " server (JDK `SSLSocket`, TLS 1.3, its certificate offered, the server's pinned; a plain"
                            + " socket for `node_plain`) and written to a file. `node_tls`: our node in secure mode;"
                            + " `netty_tls`: Netty `SslHandler`, JDK provider, with the very `SSLContext` our node makes"
                            + " (same suite and key type, client certificate required), one event-loop thread;"
                            + " `node_plain`: our node, `transferTo`. The handshake is in every download (one per file)."
                            + " Server CPU: the process's CPU time but the client thread's and the JVM's own (JIT, GC), per"
                            + " GiB; server loop: the server's busiest thread alone (our `p2p-loop`, Netty's event loop);"
                            + " client: the one client thread, whose decryption and copies weigh alike on every server;"
                            + " GC: the collector's threads. A GiB's wall time against these says which end bounds the"
                            + " rate. The load average is the machine's (2 cores shared with other work) while the rounds"
                            + " ran.",
                    "MiB", "MiB/s", true, "contender", "node_tls", List.<String[]>of(
                    new String[] {"serverCpuMsPerGiB", "server CPU ms/GiB", "%.0f"},
                    new String[] {"loopCpuMsPerGiB", "server loop CPU ms/GiB", "%.0f"},
                    new String[] {"clientCpuMsPerGiB", "client CPU ms/GiB", "%.0f"},
                    new String[] {"gcCpuMsPerGiB", "GC CPU ms/GiB", "%.0f"},
                    new String[] {"loadAverage", "load average (1 min)", "%.1f"})),
            new View("TlsRecordsBenchmark", "9a. The TLS ceiling: SSLEngine alone (issue 15)",
                    "Two `SSLEngine`s made as our nodes make them (TLS 1.3, P-256 self-signed certificates, the suite"
                            + " they negotiate: TLS_AES_256_GCM_SHA384), handshake done in memory; no socket. `wrapUnwrap`:"
                            + " one full record wrapped by one and unwrapped by the other; `wrapOnly`: the sending side's"
                            + " share. MiB/s of plaintext on one core: the most any transfer over TLS reaches here."
                            + " `buffers`: plaintext and ciphertext all `heap` or all `direct` (JDK 17's GHASH has its"
                            + " intrinsic for arrays only; direct buffers take a Java loop: why `TlsWire`'s packet buffers"
                            + " are on the heap). On a loaded machine the JIT needs seconds to reach the intrinsics: read the"
                            + " rows with the load average of table 9.",
                    "MiB", "MiB/s", true, "buffers", "heap", List.of()),
            new View("LoopTurnsBenchmark", "7. Loop turns under load",
                    "One node downloads a `bigMiB` MiB file and `small` files of `smallKiB` KiB from another, all asked for"
                            + " at once (UDP `Get`/`File`, then one download each: partial files made and put in place on"
                            + " the file thread). Score: seconds per wave. Then each node's loop-turn histogram (work"
                            + " outside `select`, every turn recorded) over the measured waves alone: its turn window is"
                            + " restarted just before the first measured wave (`Node.statsRestartingTurns`) and read once"
                            + " after the last, so the nodes' start and the warm-up wave are not in it. p50, p99, p99.9 and"
                            + " the longest turn, ms; what ran in the longest turn is named below the table. These are"
                            + " wall-clock times, the goal's figure. Beside them (`measureCpu`), the p99.9 of the loop"
                            + " thread's CPU time per turn: the loop's own work, without the time its thread waited for"
                            + " one of the 2 vCPUs both nodes, the JIT, the GC and other engineers share; and the"
                            + " collections of the JVM during the measured waves. `topology`: `one_jvm`, both nodes in"
                            + " one JVM, free to run on either vCPU; `two_processes`, the serving node in a process of"
                            + " its own pinned to the last vCPU (`taskset`), the fetching node's JVM to the first, as a"
                            + " real node's peer is on another machine (GCs then counts the fetching JVM's alone). Every"
                            + " JVM's node background threads (file, hash, verify) and JIT compiler threads are at nice 19"
                            + " (`-XX:ThreadPriorityPolicy=1`, as `make run` as root). Last, each node's turns over 5 ms"
                            + " counted by what kept each one long, from its loop thread's CPU clock and its run-queue"
                            + " wait (`/proc/thread-self/schedstat`): `on CPU`, over 5 ms on the CPU alone; `waiting`,"
                            + " off the CPU mostly runnable, waiting for a CPU; `blocked`, off it mostly blocked (a"
                            + " system call that sleeps, a safepoint).",
                    "", "s/wave", false, null, null, List.of(
                    new String[] {"serverTurnP50Ms", "server p50", "%.3f"},
                    new String[] {"serverTurnP99Ms", "server p99", "%.3f"},
                    new String[] {"serverTurnP999Ms", "server p99.9", "%.2f"},
                    new String[] {"serverLongestTurnMs", "server longest", "%.1f"},
                    new String[] {"fetcherTurnP50Ms", "fetcher p50", "%.3f"},
                    new String[] {"fetcherTurnP99Ms", "fetcher p99", "%.3f"},
                    new String[] {"fetcherTurnP999Ms", "fetcher p99.9", "%.2f"},
                    new String[] {"fetcherLongestTurnMs", "fetcher longest", "%.1f"},
                    new String[] {"serverCpuP999Ms", "server on-CPU p99.9", "%.2f"},
                    new String[] {"fetcherCpuP999Ms", "fetcher on-CPU p99.9", "%.2f"},
                    new String[] {"gcCollections", "GCs", "%.0f"},
                    new String[] {"serverSlowTurns", "server turns > 5 ms", "%.0f"},
                    new String[] {"serverSlowOnCpu", "on CPU", "%.0f"},
                    new String[] {"serverSlowWaitingForCpu", "waiting", "%.0f"},
                    new String[] {"serverSlowBlocked", "blocked", "%.0f"},
                    new String[] {"fetcherSlowTurns", "fetcher turns > 5 ms", "%.0f"},
                    new String[] {"fetcherSlowOnCpu", "on CPU", "%.0f"},
                    new String[] {"fetcherSlowWaitingForCpu", "waiting", "%.0f"},
                    new String[] {"fetcherSlowBlocked", "blocked", "%.0f"})));

    private Report() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        Path out = null;
        Path svg = null;
        Path notes = null;
        Path fairness = null;
        Path multisource = null;
        String command = "";
        Map<String, Path> runs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--out" -> out = Path.of(v);
                case "--svg" -> svg = Path.of(v);
                case "--notes" -> notes = Path.of(v);
                case "--fairness" -> fairness = Path.of(v);
                case "--multisource" -> multisource = Path.of(v);
                case "--command" -> command = v;
                case "--run" -> runs.put(v.substring(0, v.indexOf('=')), Path.of(v.substring(v.indexOf('=') + 1)));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Objects.requireNonNull(out, "--out");
        Map<String, List<Row>> results = new LinkedHashMap<>();
        for (Map.Entry<String, Path> r : runs.entrySet()) {
            if (Files.exists(r.getValue())) {
                results.put(r.getKey(), Results.read(r.getValue()));
            }
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException("none of the result files exists: " + runs.values());
        }
        String notesText = notes != null && Files.exists(notes) ? Files.readString(notes) : "";
        String svgLink = svg == null ? null : relative(out, svg);
        Files.writeString(out, markdown(results, runs, command, svgLink, Fairness.section(fairness) + MultiSourceSection.section(multisource), notesText));
        if (svg != null) {
            Files.createDirectories(svg.toAbsolutePath().getParent());
            Map.Entry<String, List<Row>> first = results.entrySet().iterator().next();
            Files.writeString(svg, Chart.svg(first.getKey(), first.getValue()));
        }
        System.out.println("wrote " + out + (svg == null ? "" : " and " + svg));
    }

    private static String relative(Path from, Path to) {
        Path base = from.toAbsolutePath().getParent();
        return base.relativize(to.toAbsolutePath()).toString();
    }

    /** The whole BENCHMARKS.md. */
    static String markdown(Map<String, List<Row>> results, Map<String, Path> files, String command, String svgLink,
                           String fairness, String notes) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated by `p2pnio.bench.report.Report` from JMH JSON results; do not edit by hand (the closing"
                + " notes come from `docs/bench/analysis.md`). Regenerate with `").append(command).append("`.\n\n");
        md.append("Every transfer benchmark serves the same real files (temp folder, page cache) over real loopback sockets"
                + " to the same client, so the ratio column (score / our node's score in the same table) reads"
                + " straight off one run. **The machine may be shared, and a virtual machine's cores always are:** compare"
                + " ratios within one run, not absolute numbers across runs.\n\n");
        if (svgLink != null) {
            md.append("![results](").append(svgLink).append(")\n\n");
        }
        md.append(Machine.describe(results.values().iterator().next()));
        for (Map.Entry<String, List<Row>> run : results.entrySet()) {
            List<Row> rows = run.getValue();
            md.append("\n## ").append(capital(run.getKey())).append("\n\n");
            md.append("Results file: `").append(files.get(run.getKey())).append("`. ").append(settings(rows)).append("\n");
            md.append("\n### Targets of the issue\n\n").append(Targets.judge(rows));
            for (View v : VIEWS) {
                List<Row> mine = rows.stream().filter(r -> r.benchmark().equals(v.benchmark())).toList();
                if (!mine.isEmpty()) {
                    md.append("\n### ").append(v.title()).append("\n\n").append(v.what()).append("\n\n");
                    md.append(table(v, mine)).append(named(mine));
                }
            }
        }
        md.append(fairness);
        if (!notes.isBlank()) {
            md.append("\n").append(notes.strip()).append("\n");
        }
        return md.toString();
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String settings(List<Row> rows) {
        Map<String, String> per = new LinkedHashMap<>();
        for (Row r : rows) {
            per.putIfAbsent(r.benchmark(), r.benchmark().replace("Benchmark", "") + ": "
                    + (r.rounds() > 1 ? r.rounds() + " interleaved rounds of " : "") + r.forks() + " fork, "
                    + r.warmupIterations() + "×" + r.warmupTime() + " warm-up, " + r.measurementIterations() + "×"
                    + r.measurementTime() + " measured");
        }
        return "JMH settings: " + String.join("; ", per.values()) + ".";
    }

    /** One benchmark's table. */
    static String table(View v, List<Row> rows) {
        List<String> varying = varyingParams(rows, v.ratioParam());
        StringBuilder t = new StringBuilder("|");
        List<String> head = new ArrayList<>();
        if (rows.stream().map(Row::method).distinct().count() > 1) {
            head.add("benchmark");
        }
        if (v.ratioParam() != null) {
            head.add(v.ratioParam());
        }
        head.addAll(varying);
        boolean pooled = rows.stream().anyMatch(r -> r.metric(v.metric()) != null && r.metric(v.metric()).pooled());
        head.add(pooled ? "median of rounds" : "score");
        head.add(pooled ? "rounds min–max" : "± error (99.9%)");
        head.add("unit");
        if (v.ratioParam() != null) {
            head.add("ratio to " + v.ratioBase());
        }
        for (String[] e : v.extras()) {
            head.add(e[1]);
        }
        head.forEach(h -> t.append(' ').append(h).append(" |"));
        t.append("\n|");
        head.forEach(h -> t.append("---|"));
        t.append('\n');
        for (Row r : rows) {
            Metric m = r.metric(v.metric());
            if (m == null) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            if (head.get(0).equals("benchmark")) {
                cells.add(r.method());
            }
            if (v.ratioParam() != null) {
                String who = r.param(v.ratioParam());
                cells.add(who.equals(v.ratioBase()) ? "**" + who + "**" : who);
            }
            varying.forEach(p -> cells.add(r.param(p)));
            cells.add(num(m.central()));
            cells.add(m.pooled() ? num(m.low()) + "–" + num(m.high()) : num(m.error()));
            cells.add(v.unit().isEmpty() ? m.unit() : v.unit());
            if (v.ratioParam() != null) {
                Row base = baseOf(v, r, rows);
                Metric bm = base == null ? null : base.metric(v.metric());
                cells.add(bm == null || bm.central() == 0 ? "—" : String.format(Locale.ROOT, "%.2f×", m.central() / bm.central()));
            }
            for (String[] e : v.extras()) {
                Metric x = r.metric(e[0]);
                double divisor = e.length > 3 ? Double.parseDouble(e[3]) : 1;
                cells.add(x == null || Double.isNaN(x.score()) ? "" : String.format(Locale.ROOT, e[2], x.score() / divisor));
            }
            t.append('|');
            cells.forEach(c -> t.append(' ').append(c).append(" |"));
            t.append('\n');
        }
        return t.toString();
    }

    /**
     * The texts a benchmark put in result names ({@code Gauges.named}), each with its value: for
     * every row and every gauge, the largest. Empty when there are none.
     */
    static String named(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            Map<String, Map.Entry<String, Metric>> largest = new LinkedHashMap<>();
            r.secondary().forEach((name, m) -> {
                if (name.startsWith(Gauges.NAMED_PREFIX)) {
                    String rest = name.substring(Gauges.NAMED_PREFIX.length());
                    String what = rest.substring(0, rest.indexOf(": "));
                    Map.Entry<String, Metric> old = largest.get(what);
                    if (old == null || m.score() > old.getValue().score()) {
                        largest.put(what, Map.entry(rest.substring(what.length() + 2), m));
                    }
                }
            });
            String params = String.join(", ", r.params().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList());
            largest.forEach((what, e) -> out.append("- ").append(capital(what)).append(" (").append(params)
                    .append("): ").append(num(e.getValue().score())).append(' ').append(e.getValue().unit())
                    .append(", ran: `").append(e.getKey().replace("`", "'").replaceAll("\\s+", " ")).append("`\n"));
        }
        return out.length() == 0 ? "" : "\n" + out;
    }

    /** The row this one's ratio is taken against: same benchmark, same other parameters, the base contender. */
    static Row baseOf(View v, Row r, List<Row> rows) {
        for (Row b : rows) {
            if (b.method().equals(r.method()) && b.param(v.ratioParam()).equals(v.ratioBase())
                    && sameExcept(b, r, v.ratioParam())) {
                return b;
            }
        }
        return null;
    }

    static boolean sameExcept(Row a, Row b, String param) {
        Map<String, String> x = new LinkedHashMap<>(a.params());
        Map<String, String> y = new LinkedHashMap<>(b.params());
        x.remove(param);
        y.remove(param);
        return x.equals(y);
    }

    private static List<String> varyingParams(List<Row> rows, String except) {
        List<String> out = new ArrayList<>();
        for (String p : rows.get(0).params().keySet()) {
            if (!p.equals(except) && !p.equals("contender")) {
                out.add(p);
            }
        }
        return out;
    }

    /** A number with about four significant digits and no exponent. */
    static String num(double d) {
        if (Double.isNaN(d)) {
            return "—";
        }
        double a = Math.abs(d);
        String f = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, d);
    }

    /** Formats the time of generation (UTC). */
    static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }
}
