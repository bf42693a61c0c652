package p2pnio.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import p2pnio.NodeConfig;
import p2pnio.Parts;
import p2pnio.control.Cluster;
import p2pnio.control.LocalAddresses;
import p2pnio.core.Context;
import p2pnio.loop.EventLoop;

/**
 * The heap one peer record of a real node's cluster list costs: one {@link Cluster} is filled
 * with {@code count} members, each known as one of ours (an instance id, a {@code HELLO}), every
 * string a fresh object as a decoded datagram gives it (a real node shares nothing with other
 * nodes; one datagram tells about 40 members, so they share the string of who told us); the heap after a full collection, before and after, divided by {@code count}. Usage:
 * {@code HeapPerPeer [count]} (default 100,000); prints one line of JSON.
 */
public final class HeapPerPeer {

    private HeapPerPeer() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        NodeConfig config = NodeConfig.builder().host("10.0.0.1").port(1378).folder(Files.createTempDirectory("p2p-heap"))
                .maxClusterSize(count + 16).build();
        EventLoop loop = new EventLoop(1024, () -> 0L);
        Context ctx = new Context(loop, Parts.settings(config), null, null, Parts.events(e -> { }), null);
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = used(memory);
        Cluster cluster = new Cluster(ctx, Runnable::run, new InetSocketAddress("10.0.0.1", 1378),
                new LocalAddresses(List.of()));
        String via = null;
        for (int i = 0; i < count; i++) {
            int host = i + 2;
            String address = new StringBuilder().append("10.").append((host >> 16) & 255).append('.')
                    .append((host >> 8) & 255).append('.').append(host & 255).append(":1378").toString();
            if (i % 40 == 0) {
                via = new StringBuilder("10.0.0.2:1378").toString(); // one per datagram, of about 40 members
            }
            Cluster.Peer p = cluster.add(address, via);
            cluster.recognise(p, new StringBuilder("p2pnio/1").toString(),
                    Long.toHexString(0x18b0000000000000L + i), new ArrayList<>(List.of(new StringBuilder("members").toString())));
        }
        long after = used(memory);
        System.out.printf(Locale.ROOT, "{\"harness\":\"heap\",\"peers\":%d,\"bytesPerPeer\":%.0f}%n", cluster.size(),
                (after - before) / (double) cluster.size());
    }

    private static long used(MemoryMXBean memory) {
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
