package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import p2pnio.core.Context;
import p2pnio.share.SharedFolder;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.Extension;
import p2pnio.wire.HostPort;
import p2pnio.wire.Names;
import p2pnio.wire.TransferHeader;

/**
 * Answers {@code Get}: a peer in the priority set gets {@code File,1,<tcpPort>} at once, any
 * other after the non-priority delay. A peer that sent a marked {@code Get}, or is known as one of
 * ours, gets the extended {@code File} (name, size, SHA-256); any other the reference's bytes. The reference node sleeps for that delay; here it is a
 * timer, so the loop keeps serving.
 *
 * <p>Bounded against floods: at most {@code getAnswersPerPeerPerSecond} {@code Get}s per peer
 * per second are considered, one delayed answer per (peer, name) is pending at a time, and at
 * most {@code maxScheduledAnswers} are pending in all. Loop thread only.
 */
public final class Responder {

    private static final long WINDOW_NANOS = 1_000_000_000L;
    /**
     * Longest an answer to one of ours waits for the digest of a file being hashed: 2 s, about
     * 1 GB at the SHA-256 rate measured here (BENCHMARKS.md). A larger file not hashed yet is
     * answered without a digest (then not verified). A delayed answer (not a priority peer)
     * leaves after the 10 s delay and carries what is known then.
     */
    static final long DIGEST_WAIT_NANOS = 2_000_000_000L;
    private static final int MAX_TRACKED_SENDERS = 65_536;

    private final Context ctx;
    private final Cluster cluster;
    private final Datagrams control;
    private final int tcpPort;
    private final Map<InetSocketAddress, Integer> thisSecond = new HashMap<>();
    private boolean windowTimerArmed;
    private final Set<String> scheduled = new HashSet<>();

    public Responder(Context ctx, Cluster cluster, Datagrams control, int tcpPort) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
        this.tcpPort = tcpPort;
    }

    /** A {@code Get} arrived from {@code from}. */
    public void onGet(InetSocketAddress from, ControlMessage.Get get) {
        String base = Names.baseName(get.name());
        if (Names.whyNotServable(base) != null) {
            control.drop(DropReason.GET_BAD_NAME, from, null);
            return;
        }
        if (!withinRate(from)) {
            control.drop(DropReason.GET_RATE_LIMITED, from, null);
            return;
        }
        Cluster.Peer known = cluster.byEndpoint(from);
        if (known != null) {
            cluster.heardFrom(from);
        }
        boolean extended = get.marked() || (known != null && known.extended());
        ctx.folder.lookup(base, entry -> answer(from, entry, extended ? base : null));
    }

    /**
     * The answer for {@code entry}: the plain {@code File,1,<port>} to a reference-style peer; to
     * one of ours ({@code named} is then the name it asked for), the extended form with the name,
     * the size and the SHA-256 as known when the answer leaves (empty while not hashed yet: the
     * answer is never held back for a digest, see docs/protocol.md).
     */
    private ControlMessage.FileOffer offer(SharedFolder.Entry entry, String named) {
        if (named == null) {
            return new ControlMessage.FileOffer(ControlMessage.FileOffer.TCP, tcpPort);
        }
        String sha = ctx.folder.digest(entry);
        return new ControlMessage.FileOffer(ControlMessage.FileOffer.TCP, tcpPort, new ControlMessage.Offered(
                Extension.VERSION, Extension.CAPABILITIES, entry.size(), sha == null ? "" : sha, named));
    }

    private void answer(InetSocketAddress to, SharedFolder.Entry entry, String named) {
        if (entry == null || entry.size() > TransferHeader.MAX_SIZE) {
            return; // we do not have it (or cannot announce it): stay silent, as the protocol says
        }
        if (cluster.isPriority(to)) {
            send(to, entry, named);
            return;
        }
        String key = to + "\0" + entry.name();
        if (scheduled.contains(key)) {
            return; // an answer to this peer for this file is already on its way
        }
        if (scheduled.size() >= ctx.config.maxScheduledAnswers()) {
            control.drop(DropReason.GET_RATE_LIMITED, to, "too many delayed answers pending");
            return;
        }
        scheduled.add(key);
        ctx.loop.schedule(ctx.config.delay().toNanos(), "delayed File to " + HostPort.of(to), () -> {
            scheduled.remove(key);
            send(to, entry, named);
        });
    }

    /** Sends the answer; to one of ours, once the digest of a file being hashed is known (at most {@link #DIGEST_WAIT_NANOS}). */
    private void send(InetSocketAddress to, SharedFolder.Entry entry, String named) {
        if (named != null && ctx.folder.digests() != null) {
            ctx.folder.digests().await(entry, DIGEST_WAIT_NANOS, () -> control.send(to, offer(entry, named)));
        } else {
            control.send(to, offer(entry, named));
        }
    }

    private boolean withinRate(InetSocketAddress from) {
        if (!windowTimerArmed) {
            windowTimerArmed = true;
            ctx.loop.schedule(WINDOW_NANOS, "Get rate window", () -> {
                thisSecond.clear();
                windowTimerArmed = false;
            });
        }
        Integer n = thisSecond.get(from);
        if (n == null && thisSecond.size() >= MAX_TRACKED_SENDERS) {
            return false;
        }
        int count = n == null ? 1 : n + 1;
        thisSecond.put(from, count);
        return count <= ctx.config.getAnswersPerPeerPerSecond();
    }

    /** Delayed answers pending now. */
    public int scheduledAnswers() {
        return scheduled.size();
    }
}
