package p2pnio.bench;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import p2pnio.bench.servers.RawPair;
import p2pnio.bench.support.BenchFiles;

/**
 * The download side's choice, measured (the engine issue asks for it): reading the socket into
 * one reused direct buffer and writing that to the file (what {@code Download} does) against
 * {@code FileChannel.transferFrom(socket, ...)}. Same sender ({@code transferTo}), same file,
 * same loopback; the {@code MiB} counter is the receive rate.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class ReceiveStrategyBenchmark {

    /** How the receiver moves bytes from the socket to the file. */
    @Param({"directBuffer", "transferFrom"})
    public String strategy;

    /** Size of the file. */
    @Param({"256"})
    public int fileMiB;

    private Path folder;
    private RawPair pair;
    private FileChannel out;
    private long size;
    private RawPair.Receive how;

    /** Writes the file and starts the sender. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        size = fileMiB * BenchFiles.MIB;
        folder = BenchFiles.folder("receive");
        pair = new RawPair(BenchFiles.write(folder.resolve("sent.bin"), size));
        out = FileChannel.open(folder.resolve("received.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        how = RawPair.Receive.valueOf(strategy);
    }

    /** One whole file received. */
    @Benchmark
    public long receive(Transferred t) throws IOException {
        long n = pair.receive(how, out, size);
        t.add(n);
        return n;
    }

    /** Stops the sender and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        out.close();
        pair.close();
        BenchFiles.delete(folder);
    }
}
