package p2pnio.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import p2pnio.control.Endpoints;
import p2pnio.loop.EventLoop;
import p2pnio.wire.HostPort;

/**
 * An in-memory UDP network for the membership simulation: a datagram sent by one simulated node
 * is lost with probability {@code loss}, else delivered to the node bound at its destination after
 * a latency of 1 to 5 ms, as a timer on the one shared loop. Deterministic for a given seed.
 *
 * <p>It is also the simulation's address book ({@link Endpoints}): node {@code i} is
 * {@code 10.x.y.z:1378} ({@code i} in the last three bytes), and every simulated node's list
 * keeps the one string and endpoint of each address, as N real nodes would keep N copies.
 */
final class SimNetwork implements Endpoints {

    private final Map<String, Endpoints.Literal> book = new HashMap<>();
    private final List<Endpoints.Literal> byIndex = new ArrayList<>();

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

    /** The address of node {@code i}: one string and one endpoint for the whole simulation. */
    Endpoints.Literal address(int i) {
        while (byIndex.size() <= i) {
            int j = byIndex.size();
            try {
                InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(
                        new byte[] {10, (byte) (j >> 16), (byte) (j >> 8), (byte) j}), 1378);
                Endpoints.Literal literal = new Endpoints.Literal(HostPort.of(a), a);
                byIndex.add(literal);
                book.put(literal.address(), literal);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return byIndex.get(i);
    }

    @Override
    public Endpoints.Literal literal(String address, String host) throws UnknownHostException {
        Endpoints.Literal known = book.get(address);
        return known != null ? known : Endpoints.PARSED.literal(address, host);
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

    /** Datagrams sent, by the first letter of their type: DISCOVER, HELLO, PING, ACK, other. */
    final long[] byType = new long[5];

    /** {@link #byType} as text: {@code PING=.. ACK=.. HELLO=.. DISCOVER=.. other=..}. */
    String typesSince(long[] before) {
        return String.format("PING=%d ACK=%d HELLO=%d DISCOVER=%d other=%d", byType[2] - before[2],
                byType[3] - before[3], byType[1] - before[1], byType[0] - before[0], byType[4] - before[4]);
    }

    /** Sees every datagram sent (before loss), if set: for tests that read what a node sends. */
    java.util.function.BiConsumer<SimNode, byte[]> tap;

    void send(SimNode from, InetSocketAddress to, byte[] datagram) {
        if (tap != null) {
            tap.accept(from, datagram);
        }
        datagrams++;
        bytes += datagram.length;
        byType[switch (datagram.length == 0 ? 0 : datagram[0]) {
            case 'D' -> 0;
            case 'H' -> 1;
            case 'P' -> 2;
            case 'A' -> 3;
            default -> 4;
        }]++;
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
