package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import p2pnio.NodeEvent;
import p2pnio.PeerAddress;
import p2pnio.core.Context;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.Extension;

/**
 * Membership: every {@code period} a {@code DISCOVER} with the whole cluster list goes to every
 * peer in it; every {@code DISCOVER} received adds its entries (transitive membership) and its
 * sender. A round is a timer on the loop, never a sleeping thread. Loop thread only.
 *
 * <p>Our {@code DISCOVER} lists our own address first (self-announcement): a reference node merges
 * it like any entry, so discovery is transitive through reference nodes too, and one of our nodes
 * that receives it recognises us as extended. A peer newly recognised as extended is sent our
 * {@code HELLO} at once, so two of our nodes know each other as such within one round trip.
 */
public final class Discovery {

    private final Context ctx;
    private final Cluster cluster;
    private final Datagrams control;
    private final ControlMessage.Hello hello;
    private long rounds;

    /**
     * @param instance this run's instance id (a new one at every start)
     */
    public Discovery(Context ctx, Cluster cluster, Datagrams control, long instance) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
        this.hello = new ControlMessage.Hello(Extension.VERSION, Extension.instance(instance), Extension.CAPABILITIES);
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
        List<String> list = cluster.addresses();
        Map<String, List<byte[]>> bySelf = new HashMap<>();
        int peers = 0;
        for (Cluster.Peer peer : cluster.peers()) {
            peers++;
            cluster.resolve(peer, p -> {
                InetSocketAddress to = p.endpoint();
                if (to != null) {
                    String self = cluster.announcedTo(to);
                    List<byte[]> datagrams = bySelf.computeIfAbsent(self == null ? "" : self,
                            s -> ControlCodec.encodeDiscover(self, list, ControlCodec.MAX_DATAGRAM));
                    String what = "DISCOVER (" + list.size() + " peers" + (self == null ? "" : " and us") + " in "
                            + datagrams.size() + " datagram" + (datagrams.size() == 1 ? "" : "s") + ")";
                    for (byte[] d : datagrams) {
                        control.send(to, d, what);
                    }
                }
            });
        }
        return peers;
    }

    /**
     * A {@code DISCOVER} arrived: learn its sender and every entry. A sender that lists its own
     * address is one of our nodes (a reference node never lists itself).
     */
    public void onDiscover(InetSocketAddress from, ControlMessage.Discover message) {
        Cluster.Peer sender = cluster.heardFrom(from);
        String via = PeerAddress.of(from);
        boolean selfAnnounced = false;
        for (String entry : message.peers()) {
            if (entry.equals(via)) {
                selfAnnounced = true;
            } else if (!entry.isEmpty()) {
                cluster.add(entry, via);
            }
        }
        if (selfAnnounced && sender != null) {
            recognised(sender, cluster.recognise(sender, null, null, List.of()));
        }
    }

    /** A {@code HELLO} arrived: the sender is one of ours; record what it says, answer if we owe it ours. */
    public void onHello(InetSocketAddress from, ControlMessage.Hello message) {
        Cluster.Peer sender = cluster.heardFrom(from);
        if (sender != null) {
            recognised(sender, cluster.recognise(sender, message.version(), message.instance(), message.capabilities()));
        }
    }

    private void recognised(Cluster.Peer peer, Cluster.Recognition recognition) {
        if (recognition == Cluster.Recognition.RESTARTED) {
            ctx.emit(new NodeEvent.PeerRestarted(peer.address(), peer.instance()));
        }
        if (!peer.helloSent() && peer.endpoint() != null) {
            peer.helloSent(true);
            control.send(peer.endpoint(), hello);
        }
    }

    /** Our own {@code HELLO}. */
    public ControlMessage.Hello hello() {
        return hello;
    }

    /** Rounds run so far. */
    public long rounds() {
        return rounds;
    }
}
