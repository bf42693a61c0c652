package p2pnio.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes moved, as a JMH secondary counter normalised by time: JMH prints the {@code MiB}
 * counter in "ops/s", which here means MiB/s. The thing a user compares transfer tools on.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Transferred {

    /** Mebibytes moved this iteration; per second once JMH divides by the iteration's time. */
    public double MiB;

    /** Zeroes the counter at each iteration's start. */
    @Setup(Level.Iteration)
    public void reset() {
        MiB = 0;
    }

    void add(long bytes) {
        MiB += bytes / (1024.0 * 1024.0);
    }
}
