package p2pnio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import p2pnio.bench.client.WireClient;
import p2pnio.bench.servers.Contender;
import p2pnio.bench.servers.FileServer;
import p2pnio.bench.support.BenchFiles;

/**
 * Benchmark 3, small files: requests per second for {@code fileKiB} KiB files, each over a fresh
 * connection (connect, request, header, body, close), from 4 client threads at once. The score
 * is requests per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(4)
@State(Scope.Benchmark)
public class SmallFilesBenchmark {

    /** Who serves. */
    @Param({"node", "blocking", "reference", "netty_nio", "netty_epoll"})
    public String contender;

    /** Size of each file. */
    @Param({"4"})
    public int fileKiB;

    private static final int FILES = 64;

    private Path folder;
    private List<String> names;
    private FileServer server;
    private InetSocketAddress address;

    /** What each client thread owns. */
    @State(Scope.Thread)
    public static class Client {
        final WireClient wire = new WireClient();
        int next;
    }

    /** Writes the files and starts the contender. */
    @Setup(Level.Trial)
    public void setUp() {
        folder = BenchFiles.folder("small");
        names = BenchFiles.writeMany(folder, "s", FILES, fileKiB * BenchFiles.KIB);
        server = Contender.valueOf(contender).start(folder, FILES);
        address = server.address();
    }

    /** One request over a fresh connection. */
    @Benchmark
    public long request(Client c) throws IOException {
        String name = names.get(c.next++ & (FILES - 1));
        return c.wire.fetch(address, name, null);
    }

    /** Stops the contender and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
        BenchFiles.delete(folder);
    }
}
