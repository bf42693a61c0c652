package p2pnio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.support.BenchFiles;

/**
 * Verified downloads (issue 11): one node fetches a {@code fileMiB} MiB file from another, the
 * whole protocol (UDP {@code Get}/extended {@code File}, then the download into a new file), with
 * the content checked against the SHA-256 of the answer in each of the ways
 * {@link NodeConfig.Verify} offers, and unchecked for comparison. The score is downloads per
 * second; the {@code MiB} counter is the rate in MiB/s.
 *
 * <p>{@code contender}: {@code unverified} ({@code Verify.OFF}), {@code while_receiving} (the
 * verify thread hashes the bytes as they arrive, reading them back from the page cache) and
 * {@code after_last_byte} (it reads and hashes the whole file after the last byte). The serving
 * node has hashed the file before the first download (its digest is cached), so every answer
 * carries it; a download that is not verified when it should be fails the benchmark.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class VerifyBenchmark {

    /** How the fetching node checks the body. */
    @Param({"unverified", "while_receiving", "after_last_byte"})
    public String contender;

    /** Size of the file. */
    @Param({"1024"})
    public int fileMiB;

    private static final String NAME = "verified.bin";

    private Path served;
    private Path sinkFolder;
    private NodeServer server;
    private Node fetcher;
    private NodeConfig.Verify verify;
    private final BlockingQueue<NodeEvent> outcomes = new LinkedBlockingQueue<>();

    /** Starts both nodes, and waits until the server has the file's digest. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        verify = switch (contender) {
            case "unverified" -> NodeConfig.Verify.OFF;
            case "while_receiving" -> NodeConfig.Verify.WHILE_RECEIVING;
            case "after_last_byte" -> NodeConfig.Verify.AFTER_LAST_BYTE;
            default -> throw new IllegalArgumentException("contender: unverified, while_receiving or after_last_byte");
        };
        long size = fileMiB * BenchFiles.MIB;
        served = BenchFiles.folder("verify");
        sinkFolder = BenchFiles.folder("verify-sink");
        BenchFiles.cached(served, NAME, size);
        server = new NodeServer(served, 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (server.node().files().get(10, TimeUnit.SECONDS).stream().noneMatch(f -> f.sha256() != null)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the serving node did not hash " + NAME + " within 2 minutes");
            }
            Thread.sleep(20);
        }
        fetcher = new NodeServer(NodeServer.config(sinkFolder).addPeer(server.node().address()).verify(verify).build(),
                0, event -> {
                    if (event instanceof NodeEvent.DownloadFinished || event instanceof NodeEvent.DownloadFailed) {
                        outcomes.add(event);
                    }
                }).node();
    }

    /** One whole file, node to node, checked as {@code contender} says. */
    @Benchmark
    public long download(Transferred t) throws Exception {
        fetcher.post(new Command.Fetch(NAME));
        NodeEvent outcome = outcomes.poll(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
        if (!(outcome instanceof NodeEvent.DownloadFinished f)) {
            throw new IllegalStateException("node-to-node download failed: " + outcome);
        }
        if (f.verified() != (verify != NodeConfig.Verify.OFF)) {
            throw new IllegalStateException("verified " + f.verified() + " with verify " + verify + ": " + f);
        }
        Files.delete(f.file()); // a download never replaces a file: the last one goes before the next
        t.add(f.size());
        return f.size();
    }

    /** Stops both nodes and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (fetcher != null) {
            fetcher.close();
        }
        if (server != null) {
            server.close();
        }
        BenchFiles.delete(served);
        BenchFiles.delete(sinkFolder);
    }
}
