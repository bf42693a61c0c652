package p2pnio.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import p2pnio.loop.EventLoop;

/**
 * An in-memory UDP network for the membership simulation: a datagram sent by one simulated node
 * is lost with probability {@code loss}, else delivered to the node bound at its destination after
 * a latency of 1 to 5 ms, as a timer on the one shared loop. Deterministic for a given seed.
 */
final class SimNetwork {

    private final EventLoop loop;
    private final Random random;
    private final Map<InetSocketAddress, SimNode> bound = new HashMap<>();
    private double loss;
    private final java.util.Set<InetSocketAddress> cut = new java.util.HashSet<>();
    long datagrams;
    long bytes;
    long lost;

    SimNetwork(EventLoop loop, long seed) {
        this.loop = loop;
        this.random = new Random(seed);
    }

    void loss(double probability) {
        this.loss = probability;
    }

    void bind(SimNode node) {
        bound.put(node.address(), node);
    }

    void unbind(SimNode node) {
        bound.remove(node.address(), node);
    }

    /** Cuts {@code address} off the network (both ways), or heals it. */
    void cut(InetSocketAddress address, boolean off) {
        if (off) {
            cut.add(address);
        } else {
            cut.remove(address);
        }
    }

    boolean isUp(InetSocketAddress address) {
        return bound.containsKey(address);
    }

    void send(SimNode from, InetSocketAddress to, byte[] datagram) {
        datagrams++;
        bytes += datagram.length;
        if ((loss > 0 && random.nextDouble() < loss) || cut.contains(from.address()) || cut.contains(to)) {
            lost++;
            return;
        }
        long latency = 1_000_000L + random.nextInt(4_000_000);
        loop.schedule(latency, "deliver", () -> {
            SimNode node = bound.get(to);
            if (node != null) {
                node.receive(from.address(), ByteBuffer.wrap(datagram));
            }
        });
    }
}
