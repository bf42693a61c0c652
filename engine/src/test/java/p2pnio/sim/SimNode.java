package p2pnio.sim;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Parts;
import p2pnio.control.Cluster;
import p2pnio.control.Datagrams;
import p2pnio.control.Discovery;
import p2pnio.control.Inbound;
import p2pnio.control.LocalAddresses;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.wire.DropReason;

/**
 * One simulated node: the real {@link Cluster}, {@link Discovery} and {@link Inbound} of a node,
 * on the simulation's shared loop and clock, sending through the in-memory {@link SimNetwork}
 * instead of a socket. Only the transfer side is missing: {@code Get} and {@code File} are ignored.
 */
final class SimNode implements Datagrams {

    private static final Trace OFF = new Trace(new PrintStream(OutputStream.nullOutputStream()), 1);

    private final InetSocketAddress address;
    private final SimNetwork network;
    final Context ctx;
    final Cluster cluster;
    final Discovery discovery;
    private final Inbound inbound;
    private final int capacity;
    long sent;
    long sentBytes;
    /**
     * Of those, the {@code HELLO}s: one per pair of our nodes and run, the first time they write to
     * each other; a cost of the cluster's joining, which ends once every pair has met.
     */
    long hellos;
    long helloBytes;
    boolean up = true;

    SimNode(InetSocketAddress address, NodeConfig config, EventLoop loop, SimNetwork network, long instance,
            Consumer<NodeEvent> events) {
        this.address = address;
        this.network = network;
        this.ctx = new Context(loop, Parts.settings(config), null, OFF, Parts.events(events), null);
        this.cluster = new Cluster(ctx, Runnable::run, address, new LocalAddresses(List.of()), network);
        this.discovery = new Discovery(ctx, cluster, this, instance);
        this.inbound = new Inbound(ctx, this, discovery.receiver((from, get) -> { }, (from, file) -> { }));
        this.capacity = config.maxDatagramBytes() + 1;
    }

    InetSocketAddress address() {
        return address;
    }

    void start() {
        network.bind(this);
        discovery.start();
    }

    /** The process dies: no more rounds, nothing sent or received. */
    void kill() {
        up = false;
        discovery.stop();
        network.unbind(this);
    }

    void receive(InetSocketAddress from, ByteBuffer datagram) {
        if (up) {
            inbound.receive(from, datagram, capacity);
        }
    }

    @Override
    public void send(InetSocketAddress to, byte[] bytes, Object what) {
        if (!up) {
            return;
        }
        sent++;
        sentBytes += bytes.length;
        if (isHello(bytes)) {
            hellos++;
            helloBytes += bytes.length;
        }
        ctx.counters.datagramsOut++;
        ctx.counters.datagramBytesOut += bytes.length;
        network.send(this, to, bytes);
    }

    private static boolean isHello(byte[] datagram) {
        return datagram.length > HELLO.length && java.util.Arrays.equals(datagram, 0, HELLO.length, HELLO, 0, HELLO.length);
    }

    private static final byte[] HELLO = "HELLO,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public void drop(DropReason reason, InetSocketAddress from, String detail) {
        ctx.counters.drop(reason);
    }
}
