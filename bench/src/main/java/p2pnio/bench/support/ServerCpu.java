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
    private long processAtStart;
    private long threadAtStart;

    /** Forgets what was measured (at the start of an iteration, outside the measurement). */
    public void reset() {
        nanos = 0;
        bytes = 0;
        findJvmThreads();
    }

    /** Starts a measured stretch. */
    public void start() {
        processAtStart = OS.getProcessCpuTime() - jvmThreadsCpu();
        threadAtStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Runs {@code r} inside a measured stretch without counting the other threads' CPU meanwhile. */
    public void excluding(Runnable r) {
        long process = OS.getProcessCpuTime() - jvmThreadsCpu();
        long thread = THREADS.getCurrentThreadCpuTime();
        r.run();
        long others = (OS.getProcessCpuTime() - jvmThreadsCpu() - process) - (THREADS.getCurrentThreadCpuTime() - thread);
        processAtStart += others;
    }

    /** Ends a measured stretch in which {@code served} bytes were served. */
    public void stop(long served) {
        long process = OS.getProcessCpuTime() - jvmThreadsCpu() - processAtStart;
        long thread = THREADS.getCurrentThreadCpuTime() - threadAtStart;
        nanos += Math.max(0, process - thread);
        bytes += served;
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
                    jvmThreads.add(task.resolve("stat"));
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
        for (Path stat : jvmThreads) {
            String s = readStat(stat.getParent());
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
