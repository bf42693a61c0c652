package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.List;
import p2pnio.core.Context;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.HostPort;

/**
 * Membership: every {@code period} a {@code DISCOVER} with the whole cluster list goes to every
 * peer in it; every {@code DISCOVER} received adds its entries (transitive membership) and its
 * sender. A round is a timer on the loop, never a sleeping thread. Loop thread only.
 */
public final class Discovery {

    private final Context ctx;
    private final Cluster cluster;
    private final ControlChannel control;
    private long rounds;

    public Discovery(Context ctx, Cluster cluster, ControlChannel control) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
    }

    /** Adds the configured peers and runs the first round now; the next ones every period. */
    public void start() {
        for (String address : ctx.config.cluster()) {
            cluster.add(address, Cluster.CONFIGURED);
        }
        roundAndReschedule();
    }

    private void roundAndReschedule() {
        round();
        ctx.loop.schedule(ctx.config.period().toNanos(), "discovery round", this::roundAndReschedule);
    }

    /** Sends our list to every peer now; returns how many peers it went to. */
    public int round() {
        rounds++;
        List<byte[]> datagrams = ControlCodec.encodeDiscover(cluster.addresses(), ControlCodec.MAX_DATAGRAM);
        String what = "DISCOVER (" + cluster.size() + " peers in " + datagrams.size() + " datagram"
                + (datagrams.size() == 1 ? "" : "s") + ")";
        int peers = 0;
        for (Cluster.Peer peer : cluster.peers()) {
            peers++;
            cluster.resolve(peer, p -> {
                InetSocketAddress to = p.endpoint();
                if (to != null) {
                    for (byte[] d : datagrams) {
                        control.send(to, d, what);
                    }
                }
            });
        }
        return peers;
    }

    /** A {@code DISCOVER} arrived: learn its sender and every entry. */
    public void onDiscover(InetSocketAddress from, ControlMessage.Discover message) {
        cluster.heardFrom(from);
        String via = HostPort.of(from);
        for (String entry : message.peers()) {
            if (!entry.isEmpty()) {
                cluster.add(entry, via);
            }
        }
    }

    /** Rounds run so far. */
    public long rounds() {
        return rounds;
    }
}
