package p2pnio.bench.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CPU time a server spends per byte it serves, when server and client share one process: the
 * process's CPU time minus the measuring (client) thread's own, over the measured stretches. When
 * the one client thread is what limits a transfer benchmark (it copies every byte out of the
 * sockets), every contender's rate converges on the client's; what still tells the servers apart
 * is what each one burnt to keep up. The JVM's own threads (JIT compilers, GC, VM thread: read
 * from {@code /proc/self/task} on Linux, where they are long-lived and named) are left out, so
 * neither warm-up compilation nor the benchmark's full GC for its heap sample is counted; nor are
 * stretches the benchmark marks with {@link #excluding}.
 *
 * <p>One instance per measuring thread; not thread-safe.
 */
public final class ServerCpu {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static final Path TASKS = Path.of("/proc/self/task");
    /** Names (as the kernel truncates them) of HotSpot's compiler, GC and VM threads. */
    private static final Pattern JVM_THREAD =
            Pattern.compile("C1 CompilerThre|C2 CompilerThre|GC Thread|G1 |VM Thread|VM Periodic|Sweeper|Monitor Deflat");

    private final List<Path> jvmThreads = new ArrayList<>();
    private long nanos;
    private long bytes;
    private long othersAtStart;
    private long excluded;

    /** Forgets what was measured (at the start of an iteration, outside the measurement). */
    public void reset() {
        nanos = 0;
        bytes = 0;
        findJvmThreads();
    }

    /** Starts a measured stretch. */
    public void start() {
        othersAtStart = othersCpu();
        excluded = 0;
    }

    /** Runs {@code r} inside a measured stretch without counting the other threads' CPU meanwhile. */
    public void excluding(Runnable r) {
        long before = othersCpu();
        r.run();
        excluded += othersCpu() - before;
    }

    /** Ends a measured stretch in which {@code served} bytes were served. */
    public void stop(long served) {
        nanos += Math.max(0, othersCpu() - othersAtStart - excluded);
        bytes += served;
    }

    /** CPU time so far of every thread but this one and the JVM's own: the server's, in nanoseconds. */
    private long othersCpu() {
        return OS.getProcessCpuTime() - jvmThreadsCpu() - THREADS.getCurrentThreadCpuTime();
    }

    /**
     * Finds the JVM's own threads again. Called outside the measured stretches (with
     * {@link #reset}): a server with 1,000 threads has 1,000 entries in {@code /proc/self/task},
     * and reading them all at every stretch would slow the client being measured.
     */
    private void findJvmThreads() {
        jvmThreads.clear();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat = readStat(task);
                if (stat != null && JVM_THREAD.matcher(stat.substring(stat.indexOf('(') + 1)).lookingAt()) {
                    jvmThreads.add(task);
                }
            }
        } catch (IOException | RuntimeException e) {
            jvmThreads.clear(); // no /proc: nothing is left out
        }
    }

    /**
     * CPU time so far of the JVM's own threads, in nanoseconds. Linux's {@code stat} counts in
     * clock ticks, 100 per second.
     */
    private long jvmThreadsCpu() {
        long ticks = 0;
        for (Path task : jvmThreads) {
            String s = readStat(task);
            if (s != null) {
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            }
        }
        return ticks * 10_000_000L;
    }

    private static String readStat(Path task) {
        try {
            return Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
            return null; // the thread ended meanwhile
        }
    }

    /** Milliseconds of server CPU per GiB served, over the stretches since {@link #reset}. */
    public double msPerGiB() {
        return bytes == 0 ? Double.NaN : nanos / 1e6 / (bytes / (double) (1L << 30));
    }
}
