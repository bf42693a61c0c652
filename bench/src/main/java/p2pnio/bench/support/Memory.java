package p2pnio.bench.support;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What this process holds in memory: heap in use and resident set size. */
public final class Memory {

    private static final double MIB = 1024.0 * 1024.0;

    private Memory() {
    }

    /** Heap in use now, MiB (garbage included unless a GC just ran). */
    public static double heapUsedMiB() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / MIB;
    }

    /** Heap still in use after asking for two full collections, MiB: the live set. */
    public static double liveHeapMiB() {
        System.gc();
        System.gc();
        return heapUsedMiB();
    }

    /** Resident set size of this process ({@code VmRSS} of /proc/self/status), MiB; -1 if unknown. */
    public static double rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kib = line.substring("VmRSS:".length()).replace("kB", "").trim();
                    return Long.parseLong(kib) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say so with -1
        }
        return -1;
    }

    /** Live threads of this process. */
    public static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
