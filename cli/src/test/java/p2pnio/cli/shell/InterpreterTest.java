package p2pnio.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeListener;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.Output;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell's commands against two real nodes on loopback, with the output collected as lines. */
class InterpreterTest {

    @TempDir
    Path tmp;

    private final Lines out = new Lines();
    private Node server;
    private Node node;
    private Downloads downloads;
    private Interpreter shell;

    /** An output that keeps every line and lets a test wait for one. */
    static final class Lines extends Output {
        private final List<String> lines = new ArrayList<>();

        @Override
        protected synchronized void write(String line) {
            lines.add(line);
            notifyAll();
        }

        synchronized void clear() {
            lines.clear();
        }

        synchronized List<String> all() {
            return new ArrayList<>(lines);
        }

        synchronized String await(Predicate<String> match, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (String l : lines) {
                    if (match.test(l)) {
                        return l;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching line within " + timeout + " in " + lines);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private Set<String> names;

    @BeforeEach
    void start() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("hello.txt"), "hello\n");
        server = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), NodeListener.ignoring());
        downloads = new Downloads();
        names = new ConcurrentSkipListSet<>();
        ShellListener listener = new ShellListener(out, downloads, names);
        listener.open();
        node = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(server.address()).build(), listener);
        shell = new Interpreter(node, out, downloads, names);
        out.await(l -> l.equals("peer " + server.address() + " joined (configured)"), Duration.ofSeconds(10));
        out.clear();
    }

    @AfterEach
    void stop() {
        shell.close();
        node.close();
        server.close();
    }

    @Test
    void browseShowsWhatTheOtherNodeSharesAndItsNamesCompleteAfterGet() throws Exception {
        // sha256 of "hello\n"
        String sha = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
        String row = p2pnio.testkit.Poll.until(Duration.ofSeconds(20), () -> {
            out.clear();
            shell.execute("ls");
            return out.all().stream().filter(l -> l.startsWith("hello.txt")).findFirst().orElse("");
        }, l -> l.contains("sha256:" + sha.substring(0, 16)));
        assertThat(row).matches("hello\\.txt +6 B +sha256:" + sha.substring(0, 16) + "… +" + java.util.regex.Pattern.quote(server.address()));
        assertThat(out.all()).first().asString().startsWith("NAME").contains("SIZE", "SHA-256", "PEERS");
        assertThat(out.all()).last().asString().isEqualTo("1 file from 1 of 1 peer");
        assertThat(names).contains("hello.txt");
    }

    @Test
    void getReturnsAtOnceAndTheDownloadIsReportedWhenItFinishes() throws Exception {
        assertThat(shell.execute("get hello.txt")).isTrue();

        out.await(l -> l.startsWith("finished hello.txt: 6 B"), Duration.ofSeconds(10));
        assertThat(tmp.resolve("b/hello.txt")).hasContent("hello");
        assertThat(downloads.awaitAll(5000)).isTrue();
        assertThat(downloads.failed()).isZero();
    }

    @Test
    void cancelStopsARequestThatIsStillWaitingForAnAnswer() throws Exception {
        shell.execute("get nobody-has-it.txt");
        out.await(l -> l.startsWith("asked 1 peer for nobody-has-it.txt"), Duration.ofSeconds(10));

        shell.execute("cancel nobody-has-it.txt");

        out.await(l -> l.equals("failed nobody-has-it.txt: cancelled"), Duration.ofSeconds(10));
        assertThat(downloads.awaitAll(5000)).isTrue();
        assertThat(tmp.resolve("b")).isDirectoryNotContaining("glob:**/*nobody-has-it.txt");
    }

    @Test
    void listShowsTheConfiguredPeerAsATable() {
        shell.execute("list");

        assertThat(out.all()).first().asString().startsWith("PEER").contains("FROM", "LAST HEARD", "PRIORITY");
        assertThat(out.all()).anySatisfy(l -> assertThat(l).startsWith(server.address()).contains("configured"));
    }

    @Test
    void filesListsWhatTheNodeSharesIncludingAFileAddedAMomentAgo() throws Exception {
        Files.writeString(tmp.resolve("b/mine.txt"), "0123456789");

        shell.execute("files");

        // a file added a moment ago shows at once, its digest once the node has hashed it
        assertThat(out.all()).contains("NAME      SIZE  SHA-256", "mine.txt  10 B  (not hashed yet)");
        String sha = "84d89877f0d4041efb6bf91a16f0248f2fd573e6af05c19f96bedb9f882f7882"; // sha256 of "0123456789"
        p2pnio.testkit.Poll.until(java.time.Duration.ofSeconds(10), () -> {
            out.clear();
            shell.execute("files");
            return out.all();
        }, lines -> lines.contains("mine.txt  10 B  sha256:" + sha.substring(0, 16) + "…"));
    }

    @Test
    void badInputGetsAClearMessageAndTheShellGoesOn() {
        assertThat(shell.execute("fetch x")).isTrue();
        assertThat(shell.execute("get a,b")).isTrue();
        assertThat(shell.execute("add nonsense")).isTrue();
        assertThat(shell.execute("trace maybe")).isTrue();
        assertThat(shell.execute("list extra")).isTrue();

        assertThat(out.all()).containsExactly(
                "unknown command 'fetch'; type help for the list",
                "cannot request 'a,b': the name holds ',', which splits the protocol's messages",
                "cannot add 'nonsense': it has no port (expected host:port)",
                "usage: trace on|off",
                "list takes no arguments");
    }

    @Test
    void quitAndExitEndTheShellAndBlankLinesAndCommentsDoNothing() {
        assertThat(shell.execute("   ")).isTrue();
        assertThat(shell.execute("# a comment")).isTrue();
        assertThat(shell.execute("quit")).isFalse();
        assertThat(shell.execute("exit")).isFalse();
        assertThat(out.all()).isEmpty();
    }

    @Test
    void pingReportsPeersThatAreNewAfterTheRound() throws Exception {
        shell.execute("ping");

        out.await(l -> l.startsWith("ping: "), Duration.ofSeconds(10));
        assertThat(out.all()).anySatisfy(l -> assertThat(l).startsWith("discovery round sent to 1 peer"));
    }

    @Test
    void rateShowsTheLimitsAndChangesThemLiveThroughTheNode() throws Exception {
        shell.execute("rate");
        assertThat(out.all()).containsExactly("rate limits: upload unlimited, download unlimited");

        shell.execute("rate up 5M");
        out.await(l -> l.equals("rate limits: upload 5.0 MiB/s, download unlimited"), Duration.ofSeconds(10));
        shell.execute("rate down 500k");
        out.await(l -> l.equals("rate limits: upload 5.0 MiB/s, download 500.0 KiB/s"), Duration.ofSeconds(10));
        assertThat(node.rateLimits().get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(new p2pnio.NodeEvent.RateLimits(5 << 20, 500 << 10));

        shell.execute("rate up off");
        out.await(l -> l.equals("rate limits: upload unlimited, download 500.0 KiB/s"), Duration.ofSeconds(10));
    }

    @Test
    void aBadRateCommandSaysHowToWriteOne() {
        shell.execute("rate sideways 5M");
        shell.execute("rate up");
        shell.execute("rate down lots");

        assertThat(out.all()).containsExactly(
                "usage: rate [up|down RATE]   (RATE: 500k, 1.5M, 20M, 1G; 0 or off = unlimited)",
                "usage: rate [up|down RATE]   (RATE: 500k, 1.5M, 20M, 1G; 0 or off = unlimited)",
                "rate: 'lots' is not a rate in bytes per second (a number with an optional k, M or G: 500k, 1.5M,"
                        + " 20M; 0 for unlimited)");
    }

    @Test
    void statsPrintsTheLoopCounters() {
        shell.execute("stats");

        assertThat(out.all()).anySatisfy(l -> assertThat(l).startsWith("datagrams   in "))
                .anySatisfy(l -> assertThat(l).startsWith("loop ").contains("wake-ups", "longest turn"));
    }
}
