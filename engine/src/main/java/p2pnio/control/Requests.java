package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import p2pnio.core.Attempt;
import p2pnio.core.Context;
import p2pnio.loop.Timers;
import p2pnio.transfer.Transfers;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.Extension;
import p2pnio.wire.HostPort;
import p2pnio.wire.Names;

/**
 * Our own requests: {@code Get} to peers of the cluster, then wait (at most {@code waiting}) for a
 * {@code File} answer, and try the peer that answered.
 *
 * <p>A request asks the priority peers and a bounded set of others first, and widens on each
 * retry ({@link #broadcast}), so its cost does not grow with the cluster.
 *
 * <p>Several requests may wait at once. A {@code File} carries no file name, so it is matched to
 * the oldest request that asked its sender and does not already hold an untried answer from it:
 * the protocol's own limit. A lost datagram would otherwise cost the whole {@code waiting}, so an
 * unanswered {@code Get} is sent again after 1 s, 2 s, 4 s, ... within the deadline, to those
 * asked before and to as many new ones again; a peer's extra answers are harmless (a responder
 * keeps one delayed answer per peer and name).
 *
 * <p><b>A peer that answered but gives no header byte</b> (it refuses the connection, resets it,
 * or closes it: {@link Attempt.NoHeader}) is not a peer without the file: it may be busy (a node
 * whose upload slots are all taken closes at once) or restarting. The request goes back to
 * waiting, asks the cluster again (the next, wider, attempt of {@link #broadcast}), says so in an
 * event, and tries that peer again after a backoff (the first {@code getRetryInitial}, doubling,
 * at most {@value #MAX_BACKOFF_FACTOR} times it), all within its deadline; any other answer that
 * arrives meanwhile is tried first. A peer that <i>closed</i> without a byte may also simply not
 * have the file (its answer was meant for another of our requests), so its later answers are left
 * to other requests, while the direct retries of this request go on: a retry asks for the file by
 * name, so it cannot fetch the wrong one.
 *
 * <p><b>Several sources</b> (issue #12): an extended answer with a SHA-256 whose peer announced
 * {@code range} is not tried at once: the request waits the setting {@code gather} (or until every peer
 * asked has answered) for the others, then hands all the answers with that same size and digest
 * to one multi-source download ({@link Downloads#download(String, long, String, List)}), and ends.
 * With one such answer, or with plain answers, it tries one peer as before (a plain answer is
 * never delayed): one connection for the whole file, which, with a SHA-256, keeps its whole pieces
 * if it breaks. A request whose answer finds such a kept download (same name, size and SHA-256)
 * resumes it by ranges from the peers that announced {@code range}, even from one. Later answers with the same digest, from peers it asked, join that download as
 * sources. Loop thread only.
 */
public final class Requests {

    /** What a request needs of the TCP side: whether a download runs, and starting one. */
    public interface Downloads {
        /** True while {@code name} is being downloaded. */
        boolean isDownloading(String name);

        /**
         * Starts downloading {@code name} from {@code server} (the transfer endpoint of
         * {@code peer}) as one try of a request: the download tells {@code attempt} how it ended,
         * up to its header. {@code answeredFrom} is the control endpoint whose {@code File} answer
         * named {@code server} (in secure mode, its sealed datagrams carry the certificate the
         * download pins).
         */
        void download(String name, InetSocketAddress server, String peer, InetSocketAddress answeredFrom,
                      Attempt attempt);

        /**
         * Starts downloading {@code name} ({@code size} bytes, this SHA-256) from all of
         * {@code servers} at once in ranged pieces (issue #12): peers whose answers announced
         * {@code range} and this same size and digest, each transfer endpoint with the control
         * endpoint whose answer named it (in secure mode, whose sealed datagrams carry the
         * certificate that source's connections pin), best first.
         */
        void download(String name, long size, String sha256, List<Transfers.Source> servers);

        /**
         * Adds {@code server} as one more source of the multi-source download of {@code name}, if
         * one runs for that size and SHA-256 and can still take a source; false otherwise.
         * {@code answeredFrom} is the control endpoint whose answer named it.
         */
        boolean join(String name, long size, String sha256, InetSocketAddress server, InetSocketAddress answeredFrom);
    }

    /** Most requests whose multi-source download may still take late answers as sources. */
    static final int MAX_JOINABLE = 64;

    /** Most a peer's backoff grows, as a multiple of {@code getRetryInitial}. */
    static final int MAX_BACKOFF_FACTOR = 4;

    /** A request either waits for answers (and retries), or tries one peer now. */
    private enum Phase { WAITING, TRYING }

    /** A peer that answered a request: where to connect, and how long to leave it alone. */
    private static final class Source {
        final InetSocketAddress control;
        final String peer;
        InetSocketAddress transfer;
        /** What an extended answer said (name, size, SHA-256); null for a plain answer. */
        ControlMessage.Offered about;
        /** Sent bytes that were not what it announced: never tried again by this request. */
        boolean bad;
        /** What was wrong with its bytes, for the final failure. */
        String mismatch;
        boolean tried;
        long notBefore;
        long backoff;
        int refusals;
        String lastRefusal;
        Timers.Timer timer;

        Source(InetSocketAddress control) {
            this.control = control;
            this.peer = HostPort.of(control);
        }
    }

    private final class Pending {
        final String name;
        final Set<InetSocketAddress> asked = new HashSet<>();
        /** Peers that closed without a header byte: their answers may be for other requests. */
        final Set<InetSocketAddress> without = new HashSet<>();
        /** Peers that answered, by control endpoint, oldest answer first. */
        final Map<InetSocketAddress, Source> sources = new LinkedHashMap<>();
        final long deadline;
        Phase phase = Phase.WAITING;
        Source trying;
        /** The try's header arrived and its body is checked against a SHA-256: a mismatch comes back here. */
        boolean started;
        Timers.Timer deadlineTimer;
        Timers.Timer retryTimer;
        /** The short wait for other answers after a first answer that can feed several sources. */
        Timers.Timer gatherTimer;
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
    private final Map<String, Pending> requests = new LinkedHashMap<>();
    /**
     * Requests that became multi-source downloads, by name: late extended answers with the same
     * size and SHA-256 from peers they asked join the download as sources. Dropped lazily (when
     * the download is over) and bounded by {@value #MAX_JOINABLE}.
     */
    private final Map<String, Swarming> joinable = new LinkedHashMap<>();

    /** A request handed to a multi-source download: whom it asked, and what content. */
    private record Swarming(Set<InetSocketAddress> asked, long size, String sha256) { }

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
        if (requests.containsKey(name) || transfers.isDownloading(name)) {
            ctx.events.downloadFailed(name, "'" + name + "' is already being fetched");
            return;
        }
        Pending p = new Pending(name, ctx.loop.now() + ctx.config.waiting().toNanos());
        requests.put(name, p);
        p.deadlineTimer = ctx.loop.timers().at(p.deadline, "request deadline " + name, () -> expire(p));
        p.retryDelay = initialRetry();
        broadcast(p);
    }

    private long initialRetry() {
        return ctx.config.getRetryInitial().toNanos();
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
        others = byMixedHash(others, p.salt);
        List<Cluster.Peer> targets = new ArrayList<>(priority.subList(0, Math.min(fanout, priority.size())));
        targets.addAll(others.subList(0, (int) Math.min(others.size(), wide)));
        byte[] plain = p2pnio.wire.ControlCodec.encode(new ControlMessage.Get(p.name));
        byte[] marked = p2pnio.wire.ControlCodec.encode(new ControlMessage.Get(p.name, true));
        int sent = 0;
        for (Cluster.Peer peer : targets) {
            InetSocketAddress to = peer.endpoint();
            if (to != null) {
                p.asked.add(to);
                send(peer, to, plain, marked, p.name);
                sent++;
            } else {
                cluster.resolve(peer, resolved -> {
                    if (resolved.endpoint() != null && requests.get(p.name) == p) {
                        p.asked.add(resolved.endpoint());
                        send(resolved, resolved.endpoint(), plain, marked, p.name);
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

    /** The marked {@code Get} to a peer known as extended, the reference's bytes to any other. */
    private void send(Cluster.Peer peer, InetSocketAddress to, byte[] plain, byte[] marked, String name) {
        if (peer.extended()) {
            control.send(to, marked, "Get," + name + "," + Extension.VERSION);
        } else {
            control.send(to, plain, "Get," + name);
        }
    }

    /** A peer and its sort key. */
    private record Keyed(long key, Cluster.Peer peer) { }

    /**
     * {@code peers} in the order of {@code mix(hash ^ salt)}, each address hashed once rather than
     * at every comparison (a record keeps no hash: it is computed when asked).
     */
    private static List<Cluster.Peer> byMixedHash(List<Cluster.Peer> peers, long salt) {
        List<Keyed> keyed = new ArrayList<>(peers.size());
        for (Cluster.Peer peer : peers) {
            keyed.add(new Keyed(mix(peer.hash() ^ salt), peer));
        }
        keyed.sort((a, b) -> Long.compare(a.key(), b.key()));
        List<Cluster.Peer> out = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            out.add(k.peer());
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private void expire(Pending p) {
        if (requests.get(p.name) != p || p.phase == Phase.TRYING) {
            return; // a try in flight decides when it ends
        }
        forget(p);
        ctx.counters.downloadsFailed++;
        ctx.events.downloadFailed(p.name, "no peer " + (p.sources.isEmpty() ? "answered" : "served it") + " within "
                + ctx.config.waiting().toSeconds() + " s (asked " + p.asked.size() + " peers, " + p.attempt
                + " tries" + refusals(p) + ")");
    }

    /** What the peers that answered but sent no header did, for the final failure. */
    private static String refusals(Pending p) {
        StringBuilder b = new StringBuilder();
        for (Source s : p.sources.values()) {
            if (s.bad) {
                b.append("; ").append(s.mismatch);
            }
            if (s.refusals > 0) {
                b.append("; ").append(s.peer).append(" answered but sent no header ").append(s.refusals)
                        .append(s.refusals == 1 ? " time" : " times").append(" (last: ").append(s.lastRefusal).append(')');
            }
        }
        return b.toString();
    }

    /**
     * A {@code File} arrived. An extended one names its file: it goes to the request for that name,
     * if that request asked the sender. A plain one goes to the oldest request that can take it.
     */
    public void onFile(InetSocketAddress from, ControlMessage.FileOffer offer) {
        if (offer.method() != ControlMessage.FileOffer.TCP) {
            control.drop(DropReason.FILE_UNSUPPORTED_METHOD, from, null);
            return;
        }
        if (offer.extended()) {
            Pending p = requests.get(offer.about().name());
            if (p == null && joins(from, offer)) {
                return;
            }
            if (p == null || !p.asked.contains(from)) {
                control.drop(DropReason.FILE_UNASKED_NAME, from, offer.about().name());
                return;
            }
            answered(p, from, offer);
            return;
        }
        Pending match = null;
        for (Pending p : requests.values()) {
            if (takes(p, from)) {
                match = p;
                break;
            }
        }
        if (match == null) {
            control.drop(DropReason.FILE_UNSOLICITED, from, null);
            return;
        }
        answered(match, from, offer);
    }

    private void answered(Pending p, InetSocketAddress from, ControlMessage.FileOffer offer) {
        cluster.addPriority(from);
        if (cluster.byEndpoint(from) != null) {
            cluster.heardFrom(from);
        }
        Source s = p.sources.computeIfAbsent(from, Source::new);
        s.transfer = new InetSocketAddress(from.getAddress(), offer.tcpPort());
        if (offer.extended()) {
            s.about = offer.about();
        }
        if (p.phase != Phase.WAITING) {
            return;
        }
        if (ranged(s) && p.gatherTimer == null && !everyAskedAnswered(p)) {
            // Others asked may hold the same bytes: give them a moment to answer too. No retry of
            // the Get meanwhile: one answer is in hand (asking resumes if its try fails).
            if (p.retryTimer != null) {
                p.retryTimer.cancel();
                p.retryTimer = null;
            }
            p.gatherTimer = ctx.loop.timers().at(ctx.loop.now() + ctx.config.gather().toNanos(), "gather answers " + p.name, () -> {
                p.gatherTimer = null;
                if (requests.get(p.name) == p && p.phase == Phase.WAITING) {
                    tryNext(p);
                }
            });
            return;
        }
        if (p.gatherTimer != null) {
            if (!everyAskedAnswered(p)) {
                return; // the gathering's timer tries the best answer (an extended one ranks above a plain one)
            }
            p.gatherTimer.cancel();
            p.gatherTimer = null;
        }
        tryNext(p);
    }

    /** True if {@code s} can be one source of a download from several: a SHA-256 and the {@code range} capability. */
    private boolean ranged(Source s) {
        return s.about != null && s.about.hashed() && s.about.capabilities().contains(p2pnio.wire.Range.CAPABILITY);
    }

    private static boolean everyAskedAnswered(Pending p) {
        return p.sources.keySet().containsAll(p.asked);
    }

    /**
     * A late extended answer for a request that became a multi-source download: its peer joins it
     * as a source if the request asked it and it offers the same size and SHA-256 with {@code range}.
     */
    private boolean joins(InetSocketAddress from, ControlMessage.FileOffer offer) {
        ControlMessage.Offered about = offer.about();
        Swarming w = joinable.get(about.name());
        if (w == null) {
            return false;
        }
        if (!transfers.isDownloading(about.name())) {
            joinable.remove(about.name());
            return false;
        }
        if (!w.asked().contains(from) || !about.hashed() || about.size() != w.size()
                || !about.sha256().equals(w.sha256()) || !about.capabilities().contains(p2pnio.wire.Range.CAPABILITY)) {
            return false;
        }
        if (!transfers.join(about.name(), w.size(), w.sha256(), new InetSocketAddress(from.getAddress(), offer.tcpPort()),
                from)) {
            return false;
        }
        cluster.addPriority(from);
        if (cluster.byEndpoint(from) != null) {
            cluster.heardFrom(from);
        }
        ctx.events.requestAnswered(about.name(), HostPort.of(from), offer.tcpPort());
        return true;
    }

    /**
     * True if {@code p} takes an answer from {@code from}: it asked that peer, the peer did not
     * close on it without a header, and it holds no untried answer from it and is not trying it
     * now (a second answer is then most likely meant for another request).
     */
    private static boolean takes(Pending p, InetSocketAddress from) {
        if (!p.asked.contains(from) || p.without.contains(from) || p.started) {
            return false;
        }
        Source s = p.sources.get(from);
        return s == null || (s.tried && s != p.trying);
    }

    /**
     * Tries the best answer whose backoff is over, if any; otherwise the request keeps waiting.
     * Best: an extended answer with a SHA-256 (it can be checked), then any extended answer (it is
     * surely for this file), then a plain one; among equals a priority peer, then the oldest
     * answer. An answer whose bytes did not match its digest is never tried again. The answers
     * that carry the same digest are the sources of that content (what a multi-source download
     * reads from: {@link #sources}).
     */
    private void tryNext(Pending p) {
        long now = ctx.loop.now();
        Source next = null;
        for (Source s : p.sources.values()) {
            if (s.notBefore <= now && !s.bad && (next == null || rank(s) < rank(next))) {
                next = s;
            }
        }
        if (next == null) {
            return;
        }
        p.phase = Phase.TRYING;
        p.trying = next;
        if (p.retryTimer != null) {
            p.retryTimer.cancel(); // no need to ask while a peer is tried; asking resumes if it refuses
            p.retryTimer = null;
        }
        if (p.gatherTimer != null) {
            p.gatherTimer.cancel();
            p.gatherTimer = null;
        }
        List<Source> group = ranged(next) ? sameContent(p, next, now) : List.of(next);
        for (Source s : group) {
            if (!s.tried) {
                ctx.events.requestAnswered(p.name, s.peer, s.transfer.getPort());
            }
            s.tried = true;
        }
        Source chosen = next;
        if (chosen.about == null) {
            transfers.download(p.name, chosen.transfer, chosen.peer, chosen.control, new Try(p, chosen));
            return;
        }
        // The size is known before connecting: refuse what cannot fit, without opening a connection.
        long size = chosen.about.size();
        String sha256 = chosen.about.hashed() ? chosen.about.sha256() : null;
        ctx.files.submit("check the free space for '" + p.name + "'",
                () -> {
                    p2pnio.share.PartialFile.checkSpace(ctx.folder.root(), p.name, size);
                    return sha256 != null && p2pnio.share.PartialFile.isKept(ctx.folder.root(), p.name, size, sha256,
                            p2pnio.transfer.Transfers.PIECE_BYTES);
                }, (kept, failure) -> {
                    if (requests.get(p.name) != p || p.trying != chosen) {
                        return; // cancelled or stopped meanwhile
                    }
                    if (failure != null) {
                        forget(p);
                        ctx.counters.downloadsFailed++;
                        ctx.events.downloadFailed(p.name, failure.getMessage() + " (from " + chosen.peer
                                + "'s answer; no connection was opened)");
                        return;
                    }
                    if (group.size() > 1 || (kept && ranged(chosen))) {
                        swarm(p, group); // a kept download of one source resumes by ranges too
                    } else {
                        transfers.download(p.name, chosen.transfer, chosen.peer, chosen.control, new Try(p, chosen));
                    }
                });
    }

    /**
     * The answers ready now that announced {@code range} and the same size and SHA-256 as
     * {@code best}, {@code best} first: the sources of one multi-source download.
     */
    private List<Source> sameContent(Pending p, Source best, long now) {
        List<Source> group = new ArrayList<>();
        group.add(best);
        for (Source s : p.sources.values()) {
            if (s != best && !s.bad && s.notBefore <= now && ranged(s) && s.about.size() == best.about.size()
                    && s.about.sha256().equals(best.about.sha256())) {
                group.add(s);
            }
        }
        return group;
    }

    /**
     * Hands {@code p} to a download from every one of {@code group} at once: the request ends
     * here (the download owns the fetch, its failures and resume); late answers may still join it.
     */
    private void swarm(Pending p, List<Source> group) {
        forget(p);
        ControlMessage.Offered about = group.get(0).about;
        if (joinable.size() >= MAX_JOINABLE) {
            joinable.remove(joinable.keySet().iterator().next());
        }
        joinable.remove(p.name);
        joinable.put(p.name, new Swarming(Set.copyOf(p.asked), about.size(), about.sha256()));
        transfers.download(p.name, about.size(), about.sha256(),
                group.stream().map(s -> new Transfers.Source(s.transfer, s.control)).toList());
    }

    /** Lower is better: see {@link #tryNext}. */
    private int rank(Source s) {
        int kind = s.about == null ? 2 : s.about.hashed() ? 0 : 1;
        return kind * 2 + (cluster.isPriority(s.control) ? 0 : 1);
    }

    /**
     * The peers whose extended answers for {@code name} announced {@code sha256}: the sources of
     * that content, in the order they answered (for a download from several at once, issue 12).
     */
    public List<String> sources(String name, String sha256) {
        Pending p = requests.get(name);
        List<String> out = new ArrayList<>();
        if (p != null) {
            for (Source s : p.sources.values()) {
                if (s.about != null && s.about.sha256().equals(sha256) && !s.bad) {
                    out.add(s.peer);
                }
            }
        }
        return out;
    }

    /** One try of one request at one peer: what the download reports back. */
    private final class Try implements Attempt {
        private final Pending p;
        private final Source s;

        Try(Pending p, Source s) {
            this.p = p;
            this.s = s;
        }

        @Override
        public void started() {
            if (requests.get(p.name) != p) {
                return;
            }
            if (sha256() == null) {
                forget(p); // nothing to check: the download owns the fetch
                return;
            }
            p.started = true; // kept, to try another peer if the bytes do not match
            if (p.retryTimer != null) {
                p.retryTimer.cancel();
                p.retryTimer = null;
            }
        }

        @Override
        public void ended() {
            if (requests.get(p.name) == p && p.trying == s) {
                forget(p);
            }
        }

        @Override
        public String sha256() {
            return s.about != null && s.about.hashed() ? s.about.sha256() : null;
        }

        @Override
        public long size() {
            return s.about == null ? -1 : s.about.size();
        }

        @Override
        public String notVerified() {
            return s.about == null ? "plain peer" : s.peer + " had not hashed it yet";
        }

        /**
         * The bytes did not match: that answer is never tried again. Another answer is tried at
         * once if there is one; else the request waits again, asking anew, for what is left of its
         * {@code waiting} (its final failure then names the mismatch).
         */
        @Override
        public String mismatch(String detail) {
            s.bad = true;
            s.mismatch = detail;
            p.trying = null;
            p.started = false;
            if (requests.get(p.name) != p) {
                return detail;
            }
            if (ctx.loop.now() >= p.deadline) {
                forget(p);
                return detail + "; no other peer answered within waiting (" + ctx.config.waiting().toSeconds() + " s)";
            }
            p.phase = Phase.WAITING;
            tryNext(p);
            if (p.phase == Phase.WAITING) {
                p.retryDelay = initialRetry();
                broadcast(p);
            }
            return null;
        }

        @Override
        public String noHeader(NoHeader how, String detail) {
            p.trying = null;
            s.refusals++;
            s.lastRefusal = detail;
            if (how == NoHeader.CLOSED && s.about == null) {
                // A plain answer names no file: it may have been meant for another request that
                // asked that peer. It moves on to the next one that can take it (this request
                // still tries the peer again by name, below). An extended answer named this file:
                // a close without a header is the peer being busy, as a refusal is.
                p.without.add(s.control);
                handOver(p, s);
            }
            long now = ctx.loop.now();
            if (requests.get(p.name) != p || now >= p.deadline) {
                forget(p);
                return detail + "; no time left within waiting (" + ctx.config.waiting().toSeconds() + " s)";
            }
            s.backoff = s.backoff == 0 ? initialRetry() : Math.min(2 * s.backoff, MAX_BACKOFF_FACTOR * initialRetry());
            s.notBefore = now + s.backoff;
            boolean again = s.notBefore < p.deadline;
            if (again) {
                s.timer = ctx.loop.timers().at(s.notBefore, "retry " + s.peer + " for " + p.name, () -> {
                    s.timer = null;
                    if (requests.get(p.name) == p && p.phase == Phase.WAITING) {
                        tryNext(p);
                    }
                });
            }
            p.phase = Phase.WAITING;
            ctx.events.requestRetrying(p.name, s.peer, detail, again ? s.backoff : -1);
            p.retryDelay = initialRetry();
            broadcast(p); // ask the cluster again: another peer, or this one on a new port
            tryNext(p); // an answer that came meanwhile goes first
            return null;
        }
    }

    /** Gives the plain answer {@code s} to the next request (after {@code p}) that can take it. */
    private void handOver(Pending p, Source s) {
        for (Pending q : requests.values()) {
            if (q != p && takes(q, s.control) && !q.sources.containsKey(s.control)) {
                Source moved = new Source(s.control);
                moved.transfer = s.transfer;
                q.sources.put(s.control, moved);
                if (q.phase == Phase.WAITING) {
                    tryNext(q);
                }
                return;
            }
        }
    }

    /** Ends {@code p}'s part: no more answers are matched to it, its timers are cancelled. */
    private void forget(Pending p) {
        requests.remove(p.name);
        p.deadlineTimer.cancel();
        if (p.retryTimer != null) {
            p.retryTimer.cancel();
        }
        if (p.gatherTimer != null) {
            p.gatherTimer.cancel();
            p.gatherTimer = null;
        }
        for (Source s : p.sources.values()) {
            if (s.timer != null) {
                s.timer.cancel();
            }
        }
    }

    /**
     * Stops waiting for {@code name}; false if no request for it waits (a try in flight is a
     * download: cancelling that ends the request too).
     */
    public boolean cancel(String name) {
        Pending p = requests.get(name);
        if (p == null || p.phase == Phase.TRYING) {
            return false;
        }
        forget(p);
        ctx.counters.downloadsFailed++;
        ctx.events.downloadFailed(name, "cancelled");
        return true;
    }

    /** Fails every waiting request (at shutdown); tries in flight end with their downloads. */
    public void failAll(String reason) {
        for (Pending p : new ArrayList<>(requests.values())) {
            if (p.phase == Phase.WAITING) {
                forget(p);
                ctx.events.downloadFailed(p.name, reason);
            }
        }
    }

    /** Names of the requests waiting or trying a peer now, oldest first. */
    public Set<String> waitingNames() {
        return requests.keySet();
    }
}
