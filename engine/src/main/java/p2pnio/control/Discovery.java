package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import p2pnio.core.Context;
import p2pnio.loop.Timers;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.ControlMessage.Member;
import p2pnio.wire.DropReason;
import p2pnio.wire.Extension;
import p2pnio.wire.HostPort;
import p2pnio.wire.MemberDigest;

/**
 * Membership: who is in the cluster, who is alive, and how the news spreads. A round is a timer on
 * the loop every {@code period}, never a sleeping thread. Loop thread only.
 *
 * <p><b>Self-announcement.</b> Our {@code DISCOVER} lists our own address first: a reference node
 * merges it like any entry, so discovery is transitive through reference nodes too, and one of our
 * nodes that receives it recognises us as extended. A peer newly recognised as extended is sent our
 * {@code HELLO} (and a {@code PING}) at once, so two of our nodes know each other within one round
 * trip.
 *
 * <p><b>Gossip</b> ({@code NodeConfig.Membership.GOSSIP}, after SWIM and HashiCorp memberlist). Each
 * round sends a bounded number of datagrams whatever the size of the cluster:
 * <ul>
 *   <li>a {@code PING} to {@code fanout} of our nodes: the next one of a shuffled round-robin (the
 *       probe), and random others. It carries a digest of what we know
 *       ({@link MemberDigest}) and our news; the {@code ACK} carries the answerer's news and the
 *       members our digest lacked (a delta, not the list);</li>
 *   <li>a plain {@code DISCOVER} (one datagram: us, then as much of the list as fits, a rotating
 *       window) to the configured reference-style peers and to at most {@code fanout} others that
 *       have not shown they are ours, so reference nodes stay converged;</li>
 *   <li>a {@code DISCOVER} to each configured peer that is down, at a backoff of 1, 2, 4 ... 32
 *       periods.</li>
 * </ul>
 *
 * <p><b>Liveness.</b> A probe unanswered for {@code suspectAfter} rounds in a row makes one of our
 * nodes suspect, news that spreads; the member itself refutes it by raising its incarnation; a
 * suspicion not refuted within {@code removeAfter} periods makes it dead: removed everywhere (a
 * configured peer is kept, shown down, and retried). A reference-style peer, which cannot refute,
 * is judged on what we hear from it directly: suspect after {@code suspectAfter} periods of
 * silence, removed after {@code removeAfter} more. A removed peer leaves a tombstone so that stale
 * lists do not bring it back at once; a datagram from it, or news of a newer run, does.
 *
 * <p>{@code NodeConfig.Membership.ALL_TO_ALL} is the reference node's way, kept for comparison:
 * the whole list to every peer every round, and never forget.
 */
public final class Discovery {

    /** Longest gap between two tries of a configured peer that is down, in periods. */
    static final int MAX_RETRY_PERIODS = 32;
    private static final String REFERENCE_INSTANCE = "0";
    /** PINGs a probe sends within its round before the round counts as a miss. */
    private static final int PROBE_ATTEMPTS = 3;
    /** Most news items in an {@code ACK}: the rest of it is for the delta. */
    private static final int ACK_NEWS = 8;

    private final Context ctx;
    private final Cluster cluster;
    private final Datagrams control;
    private final ControlMessage.Hello hello;
    private final String instance;
    private final Random random;
    private final News news = new News();
    /** PINGs waiting for their ACK: sequence number -> the peer asked. */
    private final Map<Integer, String> outstanding = new HashMap<>();
    private final List<String> probeOrder = new ArrayList<>();
    private int probeIndex;
    private int discoverCursor;
    /** The slice the next digest describes: they take turns, so every slice is compared within slices / fanout rounds. */
    private int sliceCursor;
    private int plainCursor;
    private int seq;
    private int incarnation;
    private Cluster.Peer probed;
    private long probedAt;
    private Timers.Timer roundTimer;
    private boolean refuting;
    private Cluster.Peer pushed;
    private long rounds;
    private long longestRound;

    /**
     * @param instance this run's instance id (a new one at every start); also seeds the choice of
     *                 random gossip targets, so that a simulation is repeatable
     */
    public Discovery(Context ctx, Cluster cluster, Datagrams control, long instance) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
        this.instance = Extension.instance(instance);
        this.random = new Random(instance);
        this.sliceCursor = (int) instance; // nodes start their turns at different slices
        List<String> caps = gossip() ? Extension.CAPABILITIES
                : Extension.CAPABILITIES.stream().filter(c -> !c.equals(Extension.MEMBERS)).toList();
        this.hello = new ControlMessage.Hello(Extension.VERSION, this.instance, caps);
    }

    private boolean gossip() {
        return ctx.config.gossip();
    }

    /** Adds the configured peers and runs the first round now; the next ones every period. */
    public void start() {
        for (String address : ctx.config.cluster()) {
            cluster.add(address, Cluster.CONFIGURED);
        }
        roundAndReschedule();
    }

    /** Stops the rounds (the node is going away). */
    public void stop() {
        if (roundTimer != null) {
            roundTimer.cancel();
        }
    }

    private void roundAndReschedule() {
        rounds++;
        // how long the round keeps the loop busy: the real clock, as the loop measures its turns
        // (the loop's now() is the turn's time, the same before and after)
        long start = System.nanoTime();
        if (gossip()) {
            gossipRound(true);
        } else {
            allToAllRound();
        }
        longestRound = Math.max(longestRound, System.nanoTime() - start);
        roundTimer = ctx.loop.schedule(ctx.config.period().toNanos(), "discovery round", this::roundAndReschedule);
    }

    /**
     * Sends a round now, at the user's request ({@code ping}): the same datagrams as a round, but
     * it judges no one's liveness and probes no one (a probe answered a millisecond ago is no
     * miss). Returns how many peers it sent to.
     */
    public int round() {
        return gossip() ? gossipRound(false) : allToAllRound();
    }

    /** The longest time one round kept the loop busy, nanoseconds (the 794 ms turn was one). */
    public long longestRoundNanos() {
        return longestRound;
    }

    // ---- the reference node's way ---------------------------------------------------------------

    private int allToAllRound() {
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
                            s -> ControlCodec.encodeDiscover(self, list, control.room()));
                    for (byte[] d : datagrams) {
                        control.send(to, d, "DISCOVER (" + list.size() + " peers in " + datagrams.size() + ")");
                    }
                }
            });
        }
        return peers;
    }

    // ---- gossip ---------------------------------------------------------------------------------

    private int gossipRound(boolean scheduled) {
        long now = ctx.loop.now();
        long period = ctx.config.period().toNanos();
        if (scheduled) {
            judgeProbe(now);
            judgeSilence(now, period);
            outstanding.clear(); // an ACK later than a round is as good as lost
        }
        if (pushed != null) {
            Cluster.Peer suspect = pushed;
            pushed = null;
            ping(suspect);
            refuting = true; // the same push as a refutation: news to a few at once
            push();
        }

        // the cluster keeps its peers sorted so (Cluster.gossiping, others): a round walks only the few not ours
        List<Cluster.Peer> ours = cluster.gossiping();
        List<Cluster.Peer> plain = new ArrayList<>();
        List<Cluster.Peer> retry = new ArrayList<>();
        for (Cluster.Peer p : cluster.others()) {
            if (p.liveness() == Liveness.DOWN) {
                if (now - cluster.backoff(p).next >= 0) {
                    retry.add(p);
                }
            } else {
                plain.add(p);
            }
        }
        int sent = 0;
        Cluster.Peer probe = scheduled ? nextProbe(ours) : null;
        if (probe != null) {
            probed = probe;
            probedAt = now;
            ping(probe);
            sent++;
            // a lost PING or ACK should not count as a miss: ask again a third and two thirds of a period later
            for (int attempt = 1; attempt < PROBE_ATTEMPTS; attempt++) {
                Cluster.Peer target = probe;
                ctx.loop.schedule(attempt * period / PROBE_ATTEMPTS, "probe again", () -> {
                    if (probed == target && !(target.heard() && target.lastHeard() - probedAt >= 0)
                            && cluster.byAddress(target.address()) == target) {
                        ping(target);
                    }
                });
            }
        }
        for (Cluster.Peer p : pick(ours, ctx.config.fanout() - (scheduled ? 1 : 0), probe)) {
            ping(p);
            sent++;
        }
        for (Cluster.Peer p : plainTargets(plain)) {
            discover(p);
            sent++;
        }
        for (Cluster.Peer p : scheduled ? retry : List.<Cluster.Peer>of()) {
            Cluster.Backoff backoff = cluster.backoff(p);
            backoff.gap = Math.min(backoff.gap * 2, MAX_RETRY_PERIODS * period);
            backoff.next = now + backoff.gap;
            if (pingable(p)) {
                ping(p);
            } else {
                discover(p);
            }
            sent++;
        }
        return sent;
    }

    /** True for one of ours that takes part in the gossip (a {@code HELLO} without "members" does not). */
    private static boolean pingable(Cluster.Peer p) {
        return p.gossips();
    }

    /** The last probe: answered (anything heard from the peer since) or one more miss. */
    private void judgeProbe(long now) {
        Cluster.Peer p = probed;
        probed = null;
        if (p == null || p.liveness() != Liveness.ALIVE || cluster.byAddress(p.address()) != p) {
            return;
        }
        if (p.heard() && p.lastHeard() - probedAt >= 0) {
            p.misses = 0;
            return;
        }
        if (p.misses < Short.MAX_VALUE) {
            p.misses++;
        }
        if (p.misses >= ctx.config.suspectAfter()) {
            cluster.moveTo(p, Liveness.SUSPECT, 0);
            news.add(new Member(Member.SUSPECT, instanceOf(p), p.incarnation(), p.address()));
            // tell it (so that it can refute at once, if it is alive) and a few others, now
            pushed = p;
        } else {
            probed = p; // probe it again next round
        }
    }

    /**
     * How many times {@code suspectAfter} (then {@code removeAfter}) unanswered {@code DISCOVER}s a
     * peer never heard from must leave before it is suspect (then removed or shown down): each is a
     * whole round trip that nothing else can confirm or refute.
     */
    static final int UNHEARD_MISSES = 2;

    /** Suspicions that ran out, and reference-style peers that went silent. */
    private void judgeSilence(long now, long period) {
        long suspect = ctx.config.suspectAfter() * period;
        long remove = ctx.config.removeAfter() * period;
        // a refutation needs about log2(N) / 2 rounds to reach everyone: a suspicion of one of
        // ours lasts at least that long, so a large cluster does not remove the living
        int log2 = 32 - Integer.numberOfLeadingZeros(cluster.size() + 1);
        long suspicion = Math.max(remove, ((log2 + 1) / 2 + 1) * period);
        List<Cluster.Peer> gone = new ArrayList<>();
        // only those under suspicion and those not ours can run out of time: the cluster keeps them apart
        for (Cluster.Peer p : cluster.suspects()) {
            if (now - p.stateSince() >= suspicion) {
                news.add(new Member(Member.DEAD, instanceOf(p), p.incarnation(), p.address()));
                gone.add(p);
            }
        }
        for (Cluster.Peer p : cluster.others()) {
            if (p.liveness() == Liveness.DOWN) {
                continue;
            }
            if (p.contacted()) {
                long silent = now - p.silentSince;
                // one never heard from is judged on the DISCOVERs it left unanswered, not on time alone:
                // among many, it is sent one only every few rounds, and one lost answer is no silence.
                // Each miss is a round trip that no other node can vouch for (no indirect probe, no
                // refutation): at 20 % loss each way one fails 36 % of the time, so it takes twice the
                // misses (0.36^12, 5 in a million, against 0.36^6, 2 in a thousand: a restarted node
                // of 1,000 showed its configured seed down so)
                if (p.liveness() == Liveness.ALIVE && silent >= suspect
                        && (p.heard() || p.misses >= UNHEARD_MISSES * ctx.config.suspectAfter())) {
                    cluster.moveTo(p, Liveness.SUSPECT, 0);
                } else if (p.liveness() == Liveness.SUSPECT && silent >= suspect + remove
                        && (p.heard() || p.misses >= UNHEARD_MISSES * ctx.config.removeAfter())) {
                    gone.add(p);
                }
            }
        }
        for (Cluster.Peer p : gone) { // after the walk: a removal changes the list
            dead(p, now, period);
        }
    }

    /** Removes {@code p}, or shows it down if it came from the configuration. */
    private void dead(Cluster.Peer p, long now, long period) {
        if (p.configured()) {
            cluster.moveTo(p, Liveness.DOWN, 0);
            cluster.backoff(p, new Cluster.Backoff(now + period, period));
        } else {
            long forget = 2L * (ctx.config.suspectAfter() + ctx.config.removeAfter()) * period;
            cluster.moveTo(p, Liveness.REMOVED, now + forget);
        }
    }

    private Cluster.Peer nextProbe(List<Cluster.Peer> ours) {
        if (probed != null && probed.liveness() == Liveness.ALIVE) {
            return probed; // it missed the last one: try it again
        }
        for (int tries = 0; tries < 2; tries++) {
            while (probeIndex < probeOrder.size()) {
                Cluster.Peer p = cluster.byAddress(probeOrder.get(probeIndex++));
                if (p != null && pingable(p) && p.liveness() != Liveness.DOWN) {
                    return p;
                }
            }
            probeOrder.clear();
            probeIndex = 0;
            for (Cluster.Peer p : ours) {
                probeOrder.add(p.address());
            }
            Collections.shuffle(probeOrder, random);
        }
        return null;
    }

    /** Up to {@code n} distinct random members of {@code from} ({@link Cluster#gossiping()}), never {@code not}. */
    private List<Cluster.Peer> pick(List<Cluster.Peer> from, int n, Cluster.Peer not) {
        List<Cluster.Peer> out = new ArrayList<>(n);
        int available = from.size() - (not != null && cluster.isGossiping(not) ? 1 : 0);
        if (available <= n) {
            for (Cluster.Peer p : from) {
                if (p != not) {
                    out.add(p);
                }
            }
            return out;
        }
        while (out.size() < n) {
            Cluster.Peer p = from.get(random.nextInt(from.size()));
            if (p != not && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Configured reference-style peers, then at most {@code fanout} others in turn. */
    private List<Cluster.Peer> plainTargets(List<Cluster.Peer> plain) {
        List<Cluster.Peer> out = new ArrayList<>();
        List<Cluster.Peer> others = new ArrayList<>();
        for (Cluster.Peer p : plain) {
            (p.configured() ? out : others).add(p);
        }
        int n = Math.min(ctx.config.fanout(), others.size());
        for (int i = 0; i < n; i++) {
            out.add(others.get((plainCursor + i) % others.size()));
        }
        plainCursor = others.isEmpty() ? 0 : (plainCursor + n) % others.size();
        return out;
    }

    /**
     * Sends {@code p} one plain {@code DISCOVER}: us first, then as much of the list as fits one
     * datagram, starting where the last one stopped (a small list goes whole, in order).
     */
    private void discover(Cluster.Peer p) {
        contacted(p);
        if (!p.heard() && p.misses < Short.MAX_VALUE) {
            p.misses++; // DISCOVERs it left unanswered (judgeSilence); cleared by a datagram from it, and by a change of liveness
        }
        cluster.resolve(p, peer -> {
            InetSocketAddress to = peer.endpoint();
            if (to == null) {
                return;
            }
            String self = cluster.announcedTo(to);
            List<String> all = gossipedAddresses();
            int room = control.room() - "DISCOVER,\n".length() - (self == null ? 0 : self.length() + 1);
            int whole = 0;
            for (int i = 0; i < all.size() && whole <= room; i++) { // only whether it fits matters
                whole += ControlCodec.utf8Length(all.get(i)) + 1;
            }
            List<String> window = all;
            if (whole > room) {
                window = new ArrayList<>();
                int start = discoverCursor % all.size();
                int i = 0;
                for (int bytes = 0; i < all.size(); i++) {
                    String a = all.get((start + i) % all.size());
                    bytes += ControlCodec.utf8Length(a) + 1;
                    if (bytes > room) {
                        break;
                    }
                    window.add(a);
                }
                discoverCursor = start + i;
            }
            List<byte[]> d = ControlCodec.encodeDiscover(self, window, control.room());
            control.send(to, d.get(0), "DISCOVER (us and " + window.size() + " of " + all.size() + " peers)");
        });
    }

    /** The addresses we pass on: every peer but those down. */
    private List<String> gossipedAddresses() {
        List<String> out = new ArrayList<>(cluster.size());
        for (Cluster.Peer p : cluster.peers()) {
            if (p.liveness() != Liveness.DOWN) {
                out.add(p.address());
            }
        }
        return out;
    }

    /** Its silence counts from our first datagram to it (not from when we learned of it). */
    private void contacted(Cluster.Peer p) {
        if (!p.contacted()) {
            p.contacted(true);
            p.silentSince = ctx.loop.now();
        }
    }

    private void ping(Cluster.Peer p) {
        InetSocketAddress to = p.endpoint();
        if (to == null) {
            return;
        }
        contacted(p);
        int s = ++seq & Integer.MAX_VALUE;
        outstanding.put(s, p.address());
        List<Member> members = new ArrayList<>();
        Member self = self(to);
        members.add(self);
        MemberDigest digest = digest();
        String d = digest.encode();
        int budget = control.room() - 40 - d.length() - ControlCodec.memberBytes(self);
        news.take(members, budget, 64, maxSends(), p.address());
        control.send(to, new ControlMessage.Ping(s, d, members));
    }

    private Member self(InetSocketAddress to) {
        String announced = cluster.announcedTo(to);
        return new Member(Member.ALIVE, instance, incarnation, announced == null ? cluster.selfAddress() : announced);
    }

    /**
     * A digest of one slice of what we know, ourselves included: the slices take turns (as
     * memberlist's periodic full exchange with one peer, spread over slices / fanout rounds), so a
     * member we lack comes in a delta within about that many rounds, not after a random wait with a
     * long tail. Its length varies with the {@code PING}'s sequence number: a member our filter
     * wrongly claims (a false positive, about 1 %) is then not wrongly claimed by every later
     * digest of its slice, and so comes in a delta too.
     */
    private MemberDigest digest() {
        int known = cluster.size() + 1;
        int slices = MemberDigest.slicesFor(known);
        int turn = sliceCursor++;
        int slice = Integer.remainderUnsigned(turn, slices);
        // the length moves on with each turn through the slices, not with each PING: a slice is
        // described at every one of the 8 lengths in 8 turns. (Salted with the PING's sequence
        // number, which moves in step with the slice, a node of 8 or more slices described each
        // slice at one length only, forever: a member that length wrongly claims never came.)
        MemberDigest d = MemberDigest.forSlice(slices, slice, known / slices + 16, Integer.divideUnsigned(turn, slices));
        long self = MemberDigest.hash(cluster.selfAddress());
        if (d.covers(self)) {
            d.add(self);
        }
        for (List<Cluster.Peer> group : cluster.inSlice(slices, slice)) {
            for (Cluster.Peer p : group) {
                long hash = p.hash();
                if (d.covers(hash)) {
                    // one only heard of goes in under another key: lacking as ours (a delta from a
                    // node that knows it as ours brings its run), held all the same (a node that
                    // knows no more of it than we do sends nothing)
                    d.add(hearsay(p) ? hearsayKey(hash) : hash);
                }
            }
        }
        return d;
    }

    /**
     * True for a member we only heard of (from a list) and never heard from: we do not know
     * whether it is one of ours. Our digests hold it as lacking ({@link #hearsayKey}), so that a
     * delta from a node that knows it as ours brings its run, and it is judged by probes from then on, not by its silence to the
     * few plain {@code DISCOVER}s a round sends (a node that learned hundreds of members from
     * lists, as a restarted node of a large cluster does, would otherwise contact each once in
     * many rounds and remove those whose one answer was lost).
     */
    private static boolean hearsay(Cluster.Peer p) {
        return !p.extended() && !p.heard();
    }

    /**
     * The key under which a digest holds a member only heard of ({@link #hearsay}): another hash of
     * the same address. An older node of ours reads it as lacking the member, which costs a line of
     * its delta and nothing else.
     */
    private static long hearsayKey(long hash) {
        return Long.rotateLeft(hash, 29) ^ 0x9e3779b97f4a7c15L;
    }

    private int maxSends() {
        return 3 * (32 - Integer.numberOfLeadingZeros(cluster.size() + 2));
    }

    private static String instanceOf(Cluster.Peer p) {
        return p.instance().isEmpty() ? REFERENCE_INSTANCE : p.instance();
    }

    /** A {@code PING} arrived: note the sender, take its news, answer with ours and what it lacks. */
    public void onPing(InetSocketAddress from, ControlMessage.Ping ping) {
        Cluster.Peer sender = fromOneOfOurs(from, ping.members().get(0));
        merge(ping.members(), from, sender);
        if (sender == null || !gossip()) {
            return;
        }
        List<Member> members = new ArrayList<>();
        Member self = self(from);
        members.add(self);
        int budget = control.room() - 40 - ControlCodec.memberBytes(self);
        // a few news items (suspicions and deaths first), then what the asker lacks: the delta is
        // news to it for certain, the rest of our news only perhaps
        budget -= news.take(members, budget, ACK_NEWS, maxSends(), sender.address());
        MemberDigest digest = MemberDigest.parse(ping.digest());
        if (digest != null) {
            delta(digest, sender, members, budget);
        }
        control.send(from, new ControlMessage.Ack(ping.seq(), members));
    }

    /**
     * Adds the members in {@code digest}'s slice that it lacks, from a random start, within
     * {@code budget}. It walks that slice only (at most about {@link MemberDigest#MAX_PER_SLICE} of
     * the asker's members), never the whole list.
     */
    private void delta(MemberDigest digest, Cluster.Peer asker, List<Member> out, int budget) {
        List<List<Cluster.Peer>> groups = cluster.inSlice(digest.slices(), digest.slice());
        int size = 0;
        for (List<Cluster.Peer> group : groups) {
            size += group.size();
        }
        if (size == 0) {
            return;
        }
        // from a random place in the slice to its end, then from its start: no copy of the slice
        int start = random.nextInt(size);
        // members the asker only heard of, whose run we can tell it: after those it lacks, which
        // are what convergence waits for
        List<Cluster.Peer> runs = new ArrayList<>();
        for (int pass = 0; pass < 2 && budget > 0; pass++) {
            int index = 0;
            for (List<Cluster.Peer> group : groups) {
                if (pass == 0 ? index + group.size() <= start : index >= start) {
                    index += group.size();
                    continue; // wholly outside this pass
                }
                for (Cluster.Peer p : group) {
                    boolean inPass = pass == 0 ? index >= start : index < start;
                    index++;
                    if (!inPass || p == asker || p.liveness() == Liveness.DOWN) {
                        continue;
                    }
                    long hash = p.hash();
                    if (!digest.covers(hash) || digest.mightContain(hash)) {
                        continue;
                    }
                    if (digest.mightContain(hearsayKey(hash))) {
                        if (p.extended()) {
                            runs.add(p);
                        }
                        continue; // else the asker heard of it too, and we cannot tell it its run either
                    }
                    budget = deltaMember(p, out, budget);
                    if (budget < 0) {
                        return;
                    }
                }
            }
        }
        for (Cluster.Peer p : runs) {
            budget = deltaMember(p, out, budget);
            if (budget < 0) {
                return;
            }
        }
    }

    /** Adds {@code p} to a delta if it fits {@code budget}; returns the budget left, negative when the delta is full. */
    private int deltaMember(Cluster.Peer p, List<Member> out, int budget) {
        Member m = new Member(p.liveness() == Liveness.SUSPECT ? Member.SUSPECT : Member.ALIVE,
                pingable(p) ? instanceOf(p) : REFERENCE_INSTANCE, p.incarnation(), p.address());
        int bytes = ControlCodec.memberBytes(m);
        if (bytes <= budget) {
            out.add(m);
            return budget - bytes;
        }
        return budget < 40 ? -1 : budget;
    }

    /** An {@code ACK} arrived: the probe was answered; take its news and delta. */
    public void onAck(InetSocketAddress from, ControlMessage.Ack ack) {
        if (outstanding.remove(ack.seq()) == null) {
            // late (after the round it was asked in) or never asked: counted, but a sign of life all the same
            control.drop(p2pnio.wire.DropReason.ACK_UNSOLICITED, from, "seq " + ack.seq());
        }
        Cluster.Peer sender = fromOneOfOurs(from, ack.members().get(0));
        merge(ack.members(), from, sender);
    }

    /** The sender of a {@code PING} or {@code ACK}: heard, recognised, its run as its first member says. */
    private Cluster.Peer fromOneOfOurs(InetSocketAddress from, Member self) {
        Cluster.Peer sender = cluster.heardFrom(from);
        if (sender == null) {
            return null;
        }
        Cluster.Recognition r = cluster.recognise(sender, null, self.instance(), List.of());
        if (r == Cluster.Recognition.RESTARTED || self.incarnation() > sender.incarnation()) {
            // a refutation (or a new run) straight from the member: spread it
            sender.incarnation(self.incarnation());
            news.add(new Member(Member.ALIVE, sender.instance(), self.incarnation(), sender.address()), true);
        }
        recognised(sender, r);
        return sender;
    }

    /** Applies every member of a {@code PING} or {@code ACK} but the first (the sender, null if not listed). */
    private void merge(List<Member> members, InetSocketAddress from, Cluster.Peer sender) {
        mergeMembers(members, from, sender);
        push();
    }

    /** After a refutation or a suspicion of our own: tell a few at once rather than next round. */
    private void push() {
        if (!refuting) {
            return;
        }
        refuting = false;
        for (Cluster.Peer p : pick(cluster.gossiping(), ctx.config.fanout(), null)) {
            ping(p);
        }
    }

    private void mergeMembers(List<Member> members, InetSocketAddress from, Cluster.Peer sender) {
        String via = HostPort.of(from);
        if (sender != null && sender.address().equals(via)) {
            via = sender.address(); // the string the list holds already, not one more per datagram
        }
        long now = ctx.loop.now();
        long period = ctx.config.period().toNanos();
        for (int i = 1; i < members.size(); i++) {
            Member m = members.get(i);
            if (m.address().equals(via)) {
                continue;
            }
            if (aboutUs(m)) {
                continue;
            }
            Cluster.Peer p = cluster.byAddress(m.address());
            long run = Long.parseUnsignedLong(m.instance(), 16);
            if (run == 0) { // REFERENCE_INSTANCE
                if (p == null && m.state() == Member.ALIVE) {
                    cluster.add(m.address(), via);
                }
                continue; // a reference-style peer is judged by what we hear from it ourselves
            }
            if (p == null) {
                joined(m, run, via, now);
                continue;
            }
            if (run != p.instanceId()) {
                if (p.instanceId() != 0 && !newer(run, p.instanceId())) {
                    continue; // news of an earlier run
                }
                boolean restarted = p.instanceId() != 0;
                cluster.recogniseRun(p, run, m.incarnation());
                if (restarted) {
                    ctx.events.peerRestarted(p.address(), m.instance());
                    if (m.state() == Member.ALIVE) {
                        cluster.moveTo(p, Liveness.ALIVE, 0);
                        news.add(m, true);
                        continue;
                    }
                }
            }
            apply(p, m, now, period);
        }
    }

    private void apply(Cluster.Peer p, Member m, long now, long period) {
        switch (m.state()) {
            case Member.ALIVE -> {
                if (m.incarnation() > p.incarnation()) {
                    p.incarnation(m.incarnation());
                    if (p.liveness() == Liveness.SUSPECT) {
                        cluster.moveTo(p, Liveness.ALIVE, 0);
                    }
                    news.add(m, true);
                }
            }
            case Member.SUSPECT -> {
                if (m.incarnation() >= p.incarnation() && p.liveness() == Liveness.ALIVE
                        && !(p.heard() && now - p.lastHeard() < period)) {
                    p.incarnation(m.incarnation());
                    cluster.moveTo(p, Liveness.SUSPECT, 0);
                    news.add(m);
                }
            }
            default -> {
                if (m.incarnation() >= p.incarnation() && p.liveness() != Liveness.DOWN) {
                    p.incarnation(m.incarnation());
                    news.add(m);
                    dead(p, now, period);
                }
            }
        }
    }

    /** A member we did not know (at run {@code run}): added if alive and not removed a short while ago at the same run. */
    private void joined(Member m, long run, String via, long now) {
        if (m.state() != Member.ALIVE) {
            return;
        }
        Cluster.Tombstone t = cluster.tombstone(m.address(), now);
        if (t != null) {
            boolean newerRun = run != t.instance() && (t.instance() == 0 || newer(run, t.instance()));
            if (!newerRun && m.incarnation() <= t.incarnation()) {
                return;
            }
            cluster.forgetTombstone(m.address());
        }
        Cluster.Peer p = cluster.add(m.address(), via);
        if (p != null) {
            cluster.recogniseRun(p, run, m.incarnation());
            news.add(m);
        }
    }

    /** News about us: a suspicion or death of this run is refuted by raising our incarnation. */
    private boolean aboutUs(Member m) {
        if (!cluster.isSelf(m.address())
                && (cluster.byAddress(m.address()) != null || !cluster.isSelfSpelling(m.address()))) {
            return false;
        }
        if (m.state() != Member.ALIVE && m.instance().equals(instance) && m.incarnation() >= incarnation) {
            incarnation = m.incarnation() + 1;
            news.add(new Member(Member.ALIVE, instance, incarnation, cluster.selfAddress()), true);
            refuting = true;
        }
        return true;
    }

    /** True if instance id {@code a} is of a later run than {@code b} (both unsigned). */
    static boolean newer(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    // ---- DISCOVER and HELLO ---------------------------------------------------------------------

    /**
     * A {@code DISCOVER} arrived: learn its sender and every entry. A sender that lists its own
     * address is one of our nodes (a reference node never lists itself).
     */
    public void onDiscover(InetSocketAddress from, ControlMessage.Discover message) {
        Cluster.Peer sender = cluster.heardFrom(from);
        String via = HostPort.of(from);
        boolean selfAnnounced = false;
        for (String entry : message.peers()) {
            if (entry.equals(via)) {
                selfAnnounced = true;
            } else if (!entry.isEmpty()) {
                cluster.add(entry, via);
            }
        }
        if (selfAnnounced && sender != null) {
            if (sender.extended() && gossip()) {
                // one of ours that writes us a plain DISCOVER does not know we are ours: it restarted,
                // or our HELLO was lost. Say it again.
                sender.helloSent(false);
            }
            recognised(sender, cluster.recognise(sender, null, null, List.of()));
        }
    }

    /**
     * {@code from} sent a message only our nodes send (a marked {@code Get}, an extended
     * {@code File}, a {@code LIST}): it is one of ours, if it is a peer we know.
     */
    public void showedExtended(InetSocketAddress from) {
        Cluster.Peer sender = cluster.byEndpoint(from);
        if (sender != null && !sender.extended()) {
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
            ctx.events.peerRestarted(peer.address(), peer.instance());
            if (gossip()) {
                news.add(new Member(Member.ALIVE, peer.instance(), peer.incarnation(), peer.address()), true);
            }
        }
        if (!peer.helloSent() && peer.endpoint() != null) {
            peer.helloSent(true);
            control.send(peer.endpoint(), hello);
            if (gossip() && recognition == Cluster.Recognition.NEW && pingable(peer)) {
                ping(peer); // a newcomer learns the cluster one round trip later, not one period
            }
        }
    }

    /**
     * The receiver of a control endpoint: membership messages ({@code DISCOVER}, {@code HELLO},
     * {@code PING}, {@code ACK}) come here, {@code Get} and {@code File} go to the handlers given.
     */
    public ControlChannel.Receiver receiver(BiConsumer<InetSocketAddress, ControlMessage.Get> onGet,
                                            BiConsumer<InetSocketAddress, ControlMessage.FileOffer> onFile) {
        return receiver(onGet, onFile, null);
    }

    /** As {@link #receiver(BiConsumer, BiConsumer)}, with {@code LIST} and {@code FILES} going to {@code browsing} (null: dropped). */
    public ControlChannel.Receiver receiver(BiConsumer<InetSocketAddress, ControlMessage.Get> onGet,
                                            BiConsumer<InetSocketAddress, ControlMessage.FileOffer> onFile,
                                            Browsing browsing) {
        return new ControlChannel.Receiver() {
            @Override
            public void onDiscover(InetSocketAddress from, ControlMessage.Discover message) {
                Discovery.this.onDiscover(from, message);
            }

            @Override
            public void onGet(InetSocketAddress from, ControlMessage.Get message) {
                if (message.marked()) {
                    showedExtended(from);
                }
                onGet.accept(from, message);
            }

            @Override
            public void onFile(InetSocketAddress from, ControlMessage.FileOffer message) {
                if (message.extended()) {
                    showedExtended(from);
                }
                onFile.accept(from, message);
            }

            @Override
            public void onHello(InetSocketAddress from, ControlMessage.Hello message) {
                Discovery.this.onHello(from, message);
            }

            @Override
            public void onPing(InetSocketAddress from, ControlMessage.Ping message) {
                Discovery.this.onPing(from, message);
            }

            @Override
            public void onAck(InetSocketAddress from, ControlMessage.Ack message) {
                Discovery.this.onAck(from, message);
            }

            @Override
            public void onList(InetSocketAddress from, ControlMessage.ListRequest message) {
                if (browsing == null) {
                    control.drop(DropReason.LIST_REFUSED, from, "this endpoint serves no browsing");
                } else {
                    browsing.onList(from, message);
                }
            }

            @Override
            public void onListing(InetSocketAddress from, ControlMessage.Listing message) {
                if (browsing == null) {
                    control.drop(DropReason.FILES_UNSOLICITED, from, null);
                } else {
                    browsing.onListing(from, message);
                }
            }
        };
    }

    /** Our own {@code HELLO}. */
    public ControlMessage.Hello hello() {
        return hello;
    }

    /** Our incarnation: raised each time we refute a suspicion of us. */
    public int incarnation() {
        return incarnation;
    }

    /** News items waiting to be sent. */
    public int newsWaiting() {
        return news.size();
    }

    /** Rounds run so far. */
    public long rounds() {
        return rounds;
    }
}
