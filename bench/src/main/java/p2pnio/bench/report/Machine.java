package p2pnio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import p2pnio.bench.report.Results.Row;

/** The machine and JVM section of BENCHMARKS.md: read from /proc and from the JMH results. */
final class Machine {

    private Machine() {
    }

    static String describe(List<Row> rows) {
        Row r = rows.get(0);
        StringBuilder md = new StringBuilder("## Machine and JVM\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPU | ").append(cpu()).append(" |\n");
        md.append("| cores | ").append(Runtime.getRuntime().availableProcessors())
                .append(virtual() ? " virtual (a hypervisor's vCPUs: their placement on real cores is not ours)" : "")
                .append(" |\n");
        String placement = placementOptions();
        if (!placement.isEmpty()) {
            md.append("| kernel options that place tasks | `").append(placement).append("` |\n");
        }
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| kernel | Linux ").append(read("/proc/sys/kernel/osrelease")).append(" |\n");
        md.append("| JVM | ").append(r.vmName()).append(' ').append(r.vmVersion()).append(" (JDK ")
                .append(r.jdkVersion()).append(") |\n");
        md.append("| JMH | 1.37; Netty 4.2.18.Final (baseline only) |\n");
        md.append("| report generated | ").append(Report.now()).append(" |\n");
        return md.toString();
    }

    private static String cpu() {
        for (String line : lines("/proc/cpuinfo")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static boolean virtual() {
        return lines("/proc/cpuinfo").stream().anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
    }

    /** The kernel command line's scheduler and virtualisation options, which decide where threads run. */
    private static String placementOptions() {
        StringBuilder out = new StringBuilder();
        for (String option : read("/proc/cmdline").split(" ")) {
            if (option.equals("--")) {
                break; // what follows is the init program's arguments
            }
            if (option.startsWith("sched_") || option.startsWith("nested") || option.startsWith("isolcpus")
                    || option.startsWith("nohz") || option.startsWith("idle=")) {
                out.append(out.length() == 0 ? "" : " ").append(option);
            }
        }
        return out.toString();
    }

    private static String memTotal() {
        for (String line : lines("/proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
            }
        }
        return "?";
    }

    private static String read(String file) {
        List<String> l = lines(file);
        return l.isEmpty() ? "?" : l.get(0).trim();
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
