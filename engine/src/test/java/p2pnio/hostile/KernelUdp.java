package p2pnio.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says about a UDP socket: /proc/net/udp's drops column (datagrams lost to a full receive buffer). */
final class KernelUdp {

    private KernelUdp() {
    }

    /** Datagrams the kernel dropped for the socket bound to local {@code port}, or -1 if /proc does not say. */
    static long drops(int port) {
        String hexPort = String.format(":%04X", port);
        for (String file : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(file));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 12 && f[1].endsWith(hexPort)) {
                        return Long.parseLong(f[f.length - 1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no such file
            }
        }
        return -1;
    }
}
