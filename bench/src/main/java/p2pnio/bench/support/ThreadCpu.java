package p2pnio.bench.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a transfer's CPU goes, thread by thread, when server and client share one process: the
 * measuring (client) thread's own CPU, the busiest other Java thread's (a server's loop: our
 * node's {@code p2p-loop}, Netty's event loop), and the garbage collector's (HotSpot's
 * {@code GC Thread#n} and {@code G1 ...} threads, read from {@code /proc/self/task}). Read at the
 * start and end of each measured stretch only, so it costs the client nothing meanwhile. It says
 * which end bounds a transfer: a client whose CPU per GiB is about the wall time per GiB is busy
 * all the time, and every server it reads ties.
 *
 * <p>One instance per measuring thread; not thread-safe.
 */
public final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path TASKS = Path.of("/proc/self/task");

    private final Map<Long, Long> javaAtStart = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<String, Long> busiest = new HashMap<>();
    private long clientAtStart;
    private long gcAtStart;
    private long clientNanos;
    private long gcNanos;
    private long bytes;

    /** Forgets what was measured (at the start of an iteration, outside the measurement). */
    public void reset() {
        clientNanos = 0;
        gcNanos = 0;
        bytes = 0;
        busiest.clear();
    }

    /** Starts a measured stretch. */
    public void start() {
        javaAtStart.clear();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                javaAtStart.put(id, t);
            }
        }
        gcAtStart = gcCpu();
        clientAtStart = THREADS.getCurrentThreadCpuTime();
    }

    /** Ends a measured stretch in which {@code served} bytes were served. */
    public void stop(long served) {
        clientNanos += THREADS.getCurrentThreadCpuTime() - clientAtStart;
        gcNanos += gcCpu() - gcAtStart;
        long self = Thread.currentThread().getId();
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (id == self || t < 0) {
                continue;
            }
            String name = names.computeIfAbsent(id, k -> {
                ThreadInfo info = THREADS.getThreadInfo(k);
                return info == null ? "?" : info.getThreadName();
            });
            busiest.merge(name, t - javaAtStart.getOrDefault(id, 0L), Long::sum);
        }
        bytes += served;
    }

    /** The measuring thread's CPU, ms per GiB served. */
    public double clientMsPerGiB() {
        return perGiB(clientNanos);
    }

    /** The garbage collector's threads' CPU, ms per GiB served. */
    public double gcMsPerGiB() {
        return perGiB(gcNanos);
    }

    /** The busiest other Java thread's CPU (a server's loop), ms per GiB served. */
    public double busiestMsPerGiB() {
        return perGiB(busiest.values().stream().mapToLong(Long::longValue).max().orElse(0));
    }

    /** The busiest other Java thread's name. */
    public String busiestName() {
        return busiest.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("?");
    }

    private double perGiB(long nanos) {
        return bytes == 0 ? Double.NaN : nanos / 1e6 / (bytes / (double) (1L << 30));
    }

    /** CPU time so far of HotSpot's GC threads, in nanoseconds (Linux counts 100 ticks a second). */
    private static long gcCpu() {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String s;
                try {
                    s = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
                if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0; // no /proc: the collector's share is not known
        }
        return ticks * 10_000_000L;
    }
}
