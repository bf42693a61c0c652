package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import p2pnio.core.Context;
import p2pnio.loop.Timers;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.HostPort;
import p2pnio.wire.Names;

/**
 * Our own requests: {@code Get} to peers of the cluster, then wait (at most {@code waiting}) for the first
 * {@code File}, which wins and starts the download.
 *
 * <p>A request asks the priority peers and a bounded set of others first, and widens on each
 * retry ({@link #broadcast}), so its cost does not grow with the cluster.
 *
 * <p>Several requests may wait at once. A {@code File} carries no file name, so it is matched to
 * the oldest waiting request that asked its sender: the protocol's own limit. A lost datagram
 * would otherwise cost the whole {@code waiting}, so an unanswered {@code Get} is sent again
 * after 1 s, 2 s, 4 s, ... within the deadline, to those asked before and to as many new ones
 * again; a peer's extra answers are harmless (a responder keeps one delayed answer per peer and name). When the peer
 * whose {@code File} won turns out to have no such file (its answer was for another of our
 * requests), the request waits again within its deadline, no longer matching that peer. Loop
 * thread only.
 */
public final class Requests {

    /** What a request needs of the TCP side: whether a download runs, and starting one. */
    public interface Downloads {
        /** True while {@code name} is being downloaded. */
        boolean isDownloading(String name);

        /**
         * Starts downloading {@code name} from {@code server} (the transfer endpoint of
         * {@code peer}). If the server closes without a header byte, {@code onEmptyReply} is asked
         * whether the request waits again (true) instead of failing.
         */
        void download(String name, InetSocketAddress server, String peer, BooleanSupplier onEmptyReply);
    }

    private final class Pending {
        final String name;
        final Set<InetSocketAddress> asked = new HashSet<>();
        /** Peers whose File won but who had no such file: their answers were for other requests. */
        final Set<InetSocketAddress> without = new HashSet<>();
        final long deadline;
        Timers.Timer deadlineTimer;
        Timers.Timer retryTimer;
        long retryDelay;
        int attempt;
        /** Orders the peers this request asks, differently for each request. */
        final long salt = RANDOM.nextLong();

        Pending(String name, long deadline) {
            this.name = name;
            this.deadline = deadline;
        }
    }

    private static final java.util.Random RANDOM = new java.util.Random();

    private final Context ctx;
    private final Cluster cluster;
    private final Datagrams control;
    private final Downloads transfers;
    private final Map<String, Pending> waiting = new LinkedHashMap<>();

    public Requests(Context ctx, Cluster cluster, Datagrams control, Downloads transfers) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
        this.transfers = transfers;
    }

    /** Starts a request for {@code name}; refusals come back as {@link p2pnio.core.Events#downloadFailed}. */
    public void fetch(String name) {
        String why = Names.whyNotRequestable(name);
        if (why != null) {
            ctx.events.downloadFailed(name, "cannot request '" + name + "': " + why);
            return;
        }
        if (waiting.containsKey(name) || transfers.isDownloading(name)) {
            ctx.events.downloadFailed(name, "'" + name + "' is already being fetched");
            return;
        }
        Pending p = new Pending(name, ctx.loop.now() + ctx.config.waiting().toNanos());
        waiting.put(name, p);
        p.deadlineTimer = ctx.loop.timers().at(p.deadline, "request deadline " + name, () -> expire(p));
        p.retryDelay = ctx.config.getRetryInitial().toNanos();
        broadcast(p);
    }

    /**
     * Sends the {@code Get} of attempt {@code p.attempt}: to the priority peers (at most
     * {@code getFanout}) and to {@code getFanout * 2^(attempt-1)} others, always the same ones first
     * in an order of the request's own, so each retry asks again those asked before (a datagram may
     * have been lost) and widens to new ones. A cluster of N costs the first try at most
     * {@code 2 getFanout} datagrams, not N, and answers stay bounded by the peers asked.
     */
    private void broadcast(Pending p) {
        p.attempt++;
        int fanout = ctx.config.getFanout();
        long wide = (long) fanout << Math.min(30, p.attempt - 1);
        List<Cluster.Peer> priority = new ArrayList<>();
        List<Cluster.Peer> others = new ArrayList<>();
        for (Cluster.Peer peer : cluster.peers()) {
            if (peer.liveness() == Liveness.DOWN) {
                continue;
            }
            (peer.endpoint() != null && cluster.isPriority(peer.endpoint()) ? priority : others).add(peer);
        }
        others.sort((a, b) -> Long.compare(mix(a.hash() ^ p.salt), mix(b.hash() ^ p.salt)));
        List<Cluster.Peer> targets = new ArrayList<>(priority.subList(0, Math.min(fanout, priority.size())));
        targets.addAll(others.subList(0, (int) Math.min(others.size(), wide)));
        byte[] get = p2pnio.wire.ControlCodec.encode(new ControlMessage.Get(p.name));
        int sent = 0;
        for (Cluster.Peer peer : targets) {
            InetSocketAddress to = peer.endpoint();
            if (to != null) {
                p.asked.add(to);
                control.send(to, get, "Get," + p.name);
                sent++;
            } else {
                cluster.resolve(peer, resolved -> {
                    if (resolved.endpoint() != null && waiting.get(p.name) == p) {
                        p.asked.add(resolved.endpoint());
                        control.send(resolved.endpoint(), get, "Get," + p.name);
                    }
                });
            }
        }
        ctx.events.requestSent(p.name, sent, p.attempt);
        long next = ctx.loop.now() + p.retryDelay;
        if (next < p.deadline) {
            p.retryTimer = ctx.loop.timers().at(next, "retry Get " + p.name, () -> broadcast(p));
            p.retryDelay *= 2;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private void expire(Pending p) {
        if (waiting.get(p.name) == p) {
            stopWaiting(p);
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(p.name, "no peer answered within "
                    + ctx.config.waiting().toSeconds() + " s (asked " + p.asked.size() + " peers, "
                    + p.attempt + " tries" + (p.without.isEmpty() ? "" : "; " + p.without.size()
                    + " answered but had no such file") + ")");
        }
    }

    /** A {@code File} arrived: the first one for a waiting request wins. */
    public void onFile(InetSocketAddress from, ControlMessage.FileOffer offer) {
        if (offer.method() != ControlMessage.FileOffer.TCP) {
            control.drop(DropReason.FILE_UNSUPPORTED_METHOD, from, null);
            return;
        }
        Pending match = null;
        for (Pending p : waiting.values()) {
            if (p.asked.contains(from) && !p.without.contains(from)) {
                match = p;
                break;
            }
        }
        if (match == null) {
            control.drop(DropReason.FILE_UNSOLICITED, from, null);
            return;
        }
        stopWaiting(match);
        cluster.addPriority(from);
        if (cluster.byEndpoint(from) != null) {
            cluster.heardFrom(from);
        }
        String peer = HostPort.of(from);
        ctx.events.requestAnswered(match.name, peer, offer.tcpPort());
        Pending won = match;
        transfers.download(match.name, new InetSocketAddress(from.getAddress(), offer.tcpPort()), peer,
                () -> waitAgain(won, from));
    }

    /**
     * The peer whose {@code File} won had no such file: its answer was meant for another of our
     * requests (a {@code File} carries no name). Waits again, within the same deadline, no longer
     * matching that peer's answers to this request. False if the deadline has passed.
     */
    private boolean waitAgain(Pending p, InetSocketAddress without) {
        if (ctx.loop.now() >= p.deadline || waiting.containsKey(p.name) || transfers.isDownloading(p.name)) {
            return false;
        }
        p.without.add(without);
        waiting.put(p.name, p);
        p.deadlineTimer = ctx.loop.timers().at(p.deadline, "request deadline " + p.name, () -> expire(p));
        p.retryDelay = ctx.config.getRetryInitial().toNanos();
        broadcast(p);
        return true;
    }

    private void stopWaiting(Pending p) {
        waiting.remove(p.name);
        p.deadlineTimer.cancel();
        if (p.retryTimer != null) {
            p.retryTimer.cancel();
        }
    }

    /** Stops waiting for {@code name}; false if no request for it waits. */
    public boolean cancel(String name) {
        Pending p = waiting.get(name);
        if (p == null) {
            return false;
        }
        stopWaiting(p);
        ctx.counters.downloadsFailed++;
        ctx.events.downloadFailed(name, "cancelled");
        return true;
    }

    /** Fails every waiting request (at shutdown). */
    public void failAll(String reason) {
        for (Pending p : new ArrayList<>(waiting.values())) {
            stopWaiting(p);
            ctx.events.downloadFailed(p.name, reason);
        }
    }

    /** Names of the requests waiting now, oldest first. */
    public Set<String> waitingNames() {
        return waiting.keySet();
    }
}
