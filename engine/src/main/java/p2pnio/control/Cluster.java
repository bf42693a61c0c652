package p2pnio.control;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import p2pnio.core.Context;
import p2pnio.loop.Task;
import p2pnio.wire.DropReason;
import p2pnio.wire.Extension;
import p2pnio.wire.HostPort;

/**
 * The cluster list: the peers this node knows, in order of discovery, without duplicates,
 * without itself, and never more than {@code maxClusterSize}. Also the set of priority peers
 * (those that answered one of our requests).
 *
 * <p>Each peer keeps its address as the protocol wrote it and, once resolved, its endpoint.
 * Literal addresses resolve at once; DNS names resolve on the background thread, never on the
 * loop, and again before each discovery round ("resolved at send time"). Loop thread only.
 */
public final class Cluster {

    private static final int MAX_NOT_PEERS = 256;

    /** Where a peer came from. */
    public static final String CONFIGURED = "configured";
    /** A peer learned from the source address of its own datagram. */
    public static final String SENDER = "sender";

    /** What recognising a peer as extended found. */
    public enum Recognition {
        /** It was reference-style until now. */
        NEW,
        /** It was known as extended, and now carries another instance id: it restarted. */
        RESTARTED,
        /** Nothing new. */
        KNOWN
    }

    /**
     * One peer of the cluster list. A node of a large cluster holds one per member, so a record is
     * kept small (64 bytes besides its address string and endpoint, with compressed references):
     * the instance id is a number, what a {@code HELLO} said is one object shared by the peers that
     * said the same, liveness and the four flags are bytes, the hash of the address is computed when
     * asked, and the retry schedule of a peer that is down is kept apart ({@link #backoff}).
     */
    public static final class Peer {
        private static final Liveness[] LIVENESS = Liveness.values();
        private static final byte HEARD = 1;
        private static final byte EXTENDED = 2;
        private static final byte HELLO_SENT = 4;
        private static final byte CONTACTED = 8;

        private final String address;
        private final String via;
        private InetSocketAddress endpoint;
        private Speaks speaks = Speaks.NOTHING;
        /** The instance id of its current run; 0 while unknown. */
        private long instance;
        /**
         * Start of the current silence: the last datagram from it once {@link #heard}, before that
         * our first datagram to it (or when we learned of it).
         */
        long silentSince;
        private long stateSince;
        private int incarnation;
        /** Its place in {@link Cluster#gossiping()}, or -1 when not there. */
        private int gossipAt = -1;
        /** Its liveness, as the {@link Liveness} ordinal (a byte, not a reference: 3 bytes less a record). */
        private byte liveness;
        /** {@link #HEARD}, {@link #EXTENDED}, {@link #HELLO_SENT}, {@link #CONTACTED}: four booleans in one byte. */
        private byte flags;
        /** Periods in a row in which it answered none of our probes (at most {@code suspectAfter}, then it is suspected). */
        short misses;

        Peer(String address, String via) {
            this.address = address;
            this.via = via;
        }

        private boolean flag(byte f) {
            return (flags & f) != 0;
        }

        private void flag(byte f, boolean on) {
            flags = (byte) (on ? flags | f : flags & ~f);
        }

        /** True once we have sent it something (its silence is counted from then). */
        boolean contacted() {
            return flag(CONTACTED);
        }

        void contacted(boolean on) {
            flag(CONTACTED, on);
        }

        /** Its liveness. */
        public Liveness liveness() {
            return LIVENESS[liveness];
        }

        /** Loop-clock time of its last change of liveness. */
        public long stateSince() {
            return stateSince;
        }

        /** The incarnation of its current run that we know (raised by it to refute a suspicion). */
        public int incarnation() {
            return incarnation;
        }

        void incarnation(int value) {
            incarnation = value;
        }

        /** True if it came from the configuration (never removed, only shown down). */
        public boolean configured() {
            return CONFIGURED.equals(via);
        }

        /**
         * The hash of its address ({@link p2pnio.wire.MemberDigest#hash}), computed when asked (a few
         * nanoseconds for an address: cheaper than 8 bytes in every record of a large cluster).
         */
        public long hash() {
            return p2pnio.wire.MemberDigest.hash(address);
        }

        /** The address as the protocol writes it, {@code host:port}. */
        public String address() {
            return address;
        }

        /** Who told us: {@link #CONFIGURED}, {@link #SENDER}, or the address of the peer that did. */
        public String via() {
            return via;
        }

        /** The resolved endpoint, or null while unresolved. */
        public InetSocketAddress endpoint() {
            return endpoint;
        }

        /** Loop-clock time of the last datagram from this peer; meaningful once {@link #heard()}. */
        public long lastHeard() {
            return silentSince;
        }

        /** True once any datagram came from this peer. */
        public boolean heard() {
            return flag(HEARD);
        }

        /**
         * True once the peer showed it speaks our extension (it listed itself in a {@code DISCOVER},
         * or sent an extended message): only then may it be sent extended messages.
         */
        public boolean extended() {
            return flag(EXTENDED);
        }

        /** Its extension version ({@code p2pnio/1}), or "" while unknown or reference-style. */
        public String version() {
            return speaks.version();
        }

        /** The instance id of its current run (hex), or "" while unknown. */
        public String instance() {
            return instance == 0 ? "" : Extension.instance(instance);
        }

        /** The instance id of its current run, 0 while unknown. */
        public long instanceId() {
            return instance;
        }

        /** The capabilities its {@code HELLO} announced. */
        public List<String> capabilities() {
            return speaks.capabilities();
        }

        /** True if its {@code HELLO} announced {@code capability}. */
        public boolean can(String capability) {
            return speaks.capabilities().contains(capability);
        }

        /** True while it takes part in the gossip: one of ours whose {@code HELLO} (if any) said "members". */
        public boolean gossips() {
            return extended() && speaks.members();
        }

        /** True once our {@code HELLO} went to its current instance. */
        public boolean helloSent() {
            return flag(HELLO_SENT);
        }

        /** Notes that our {@code HELLO} went to its current instance. */
        public void helloSent(boolean sent) {
            flag(HELLO_SENT, sent);
        }
    }

    /**
     * What a peer's {@code HELLO} said of itself: its version and capabilities. Peers that said the
     * same share one (the clusters this code is for speak one or two versions).
     */
    record Speaks(String version, List<String> capabilities, boolean members) {
        static final Speaks NOTHING = new Speaks("", List.of(), true);
    }

    /** The retry schedule of a configured peer that is down: the next try, and the gap after it. */
    static final class Backoff {
        long next;
        long gap;

        Backoff(long next, long gap) {
            this.next = next;
            this.gap = gap;
        }
    }

    /** Most distinct {@link Speaks} shared; beyond, each peer keeps its own. */
    private static final int MAX_SPEAKS = 16;

    private final Context ctx;
    private final Executor resolver;
    private final InetSocketAddress self;
    private final String selfAddress;
    private final LocalAddresses local;
    private final Endpoints endpoints;
    /** Every peer by address, in order of discovery (a map of a large cluster's size, kept small: {@link PeerTable}). */
    private final PeerTable byAddress = new PeerTable();
    /**
     * Peers whose endpoint is not what their address string spells (a DNS name, an unusual way of
     * writing an address), by endpoint; every other peer is found by {@code HostPort.of(endpoint)}
     * in {@link #byAddress}, so that a record costs one map entry, not two.
     */
    private final Map<InetSocketAddress, Peer> aliases = new HashMap<>();
    /** Every peer, by the slice of the hash space its address falls in (what digests and deltas walk). */
    private final Slices slices = new Slices();
    /**
     * The peers a round chooses among, kept as the list changes so that a round walks none of it:
     * those that take part in the gossip and are not down (the probe's and the fan-out's
     * candidates), the others (reference-style or down: sent plain {@code DISCOVER}s or retried,
     * judged by their silence), and those of ours under suspicion (whose time runs out).
     */
    private final List<Peer> gossiping = new ArrayList<>();
    private final Set<Peer> others = new LinkedHashSet<>();
    private final Set<Peer> suspects = new LinkedHashSet<>();
    private final Map<Speaks, Speaks> speaks = new HashMap<>();
    /** The retry schedules of the configured peers that are down (a few at most: not a field of every record). */
    private final Map<Peer, Backoff> backoffs = new HashMap<>();
    private final Set<InetSocketAddress> priority = new HashSet<>();
    /** Names that resolved to ourselves or to no peer, and why: refused at once from then on. */
    private final Map<String, DropReason> notPeers = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DropReason> eldest) {
            return size() > MAX_NOT_PEERS;
        }
    };
    /** Removed peers, remembered so that hearsay (a stale list) does not bring them back at once. */
    private final Map<String, Tombstone> tombstones = new LinkedHashMap<>();

    /** A removed peer: which run of it was removed (0: unknown), and until when hearsay cannot add it again. */
    record Tombstone(long instance, int incarnation, long until) { }

    /**
     * @param self            this node's bound control endpoint
     * @param local           this host's addresses (to recognise ourselves behind a wildcard bind)
     */
    public Cluster(Context ctx, Executor resolver, InetSocketAddress self, LocalAddresses local) {
        this(ctx, resolver, self, local, Endpoints.PARSED);
    }

    /** As above, with the way literal addresses become endpoints (the simulation shares them). */
    public Cluster(Context ctx, Executor resolver, InetSocketAddress self, LocalAddresses local, Endpoints endpoints) {
        this.ctx = ctx;
        this.resolver = resolver;
        this.self = self;
        this.selfAddress = HostPort.of(self);
        this.local = local;
        this.endpoints = endpoints;
    }

    /**
     * Moves {@code peer} to {@code next} (the one place liveness changes, checked against
     * {@link Liveness#TRANSITIONS}). {@link Liveness#REMOVED} takes it out of the list and leaves a
     * tombstone until {@code forgetUntil}; its priority stays (it is about an endpoint).
     */
    public void moveTo(Peer peer, Liveness next, long forgetUntil) {
        if (peer.liveness() == next) {
            return;
        }
        Liveness.TRANSITIONS.check(peer.liveness(), next);
        peer.liveness = (byte) next.ordinal();
        peer.stateSince = ctx.loop.now();
        peer.misses = 0;
        if (next != Liveness.DOWN) {
            backoffs.remove(peer);
        }
        if (next == Liveness.REMOVED) {
            forget(peer);
            tombstones.remove(peer.address);
            tombstones.put(peer.address, new Tombstone(peer.instance, peer.incarnation, forgetUntil));
            if (tombstones.size() > ctx.config.maxClusterSize()) {
                tombstones.remove(tombstones.keySet().iterator().next());
            }
        }
        if (next != Liveness.REMOVED) {
            index(peer);
        }
        ctx.events.peerLiveness(peer.address, next.word());
    }

    /** The retry schedule of {@code peer} while it is down, or null. */
    Backoff backoff(Peer peer) {
        return backoffs.get(peer);
    }

    /** Starts the retry schedule of {@code peer}, which is down. */
    void backoff(Peer peer, Backoff schedule) {
        backoffs.put(peer, schedule);
    }

    /** Puts {@code peer} in the one of {@link #gossiping}, {@link #others} it belongs to, and {@link #suspects} if it does. */
    private void index(Peer peer) {
        boolean gossip = peer.gossips();
        boolean candidate = gossip && peer.liveness() != Liveness.DOWN;
        if (candidate && peer.gossipAt < 0) {
            peer.gossipAt = gossiping.size();
            gossiping.add(peer);
        } else if (!candidate && peer.gossipAt >= 0) {
            unlist(peer);
        }
        if (candidate) {
            others.remove(peer);
        } else {
            others.add(peer);
        }
        if (gossip && peer.liveness() == Liveness.SUSPECT) {
            suspects.add(peer);
        } else {
            suspects.remove(peer);
        }
    }

    /** Takes {@code peer} out of {@link #gossiping} (the last one takes its place). */
    private void unlist(Peer peer) {
        Peer last = gossiping.remove(gossiping.size() - 1);
        if (last != peer) {
            gossiping.set(peer.gossipAt, last);
            last.gossipAt = peer.gossipAt;
        }
        peer.gossipAt = -1;
    }

    /** Takes {@code peer} out of every index of {@link #index}. */
    private void unindex(Peer peer) {
        if (peer.gossipAt >= 0) {
            unlist(peer);
        }
        others.remove(peer);
        suspects.remove(peer);
    }

    /**
     * Those of ours that take part in the gossip and are not down, in no particular order: a live
     * view, not to be changed, and changed by the cluster's next change of a peer.
     */
    public List<Peer> gossiping() {
        return Collections.unmodifiableList(gossiping);
    }

    /** True if {@code peer} is in {@link #gossiping()}. */
    public boolean isGossiping(Peer peer) {
        return peer.gossipAt >= 0;
    }

    /** The peers not in {@link #gossiping()} (reference-style, or down), in order of when they became so. */
    public List<Peer> others() {
        return new ArrayList<>(others);
    }

    /** Those of ours under suspicion, in order of when they became so. */
    public List<Peer> suspects() {
        return new ArrayList<>(suspects);
    }

    /** The tombstone of a removed peer still remembered at {@code now}, or null. */
    Tombstone tombstone(String address, long now) {
        Tombstone t = tombstones.get(address);
        if (t != null && now - t.until() >= 0) {
            tombstones.remove(address);
            return null;
        }
        return t;
    }

    /** Forgets the tombstone of {@code address}: it showed life, or a newer run of it is news. */
    void forgetTombstone(String address) {
        tombstones.remove(address);
    }


    /**
     * Adds {@code address} unless it is invalid, known, ourselves, no peer at all (unspecified,
     * broadcast, multicast), or the list is full; each refusal but "known" and our own exact
     * address is counted as a drop. Returns the new peer, or null. A DNS name is looked up on the
     * background thread first: if it names ourselves (or no peer) it is removed again, counted,
     * and remembered, and no join is announced.
     */
    public Peer add(String address, String via) {
        if (address.isEmpty() || byAddress.containsKey(address) || isSelf(address)) {
            return null;
        }
        if (HostPort.whyInvalid(address) != null) {
            ctx.counters.drop(DropReason.DISCOVER_BAD_ENTRY);
            return null;
        }
        DropReason known = notPeers.get(address);
        if (known != null) {
            ctx.counters.drop(known);
            return null;
        }
        if (tombstone(address, ctx.loop.now()) != null) {
            return null; // removed a short while ago: only a datagram from it, or news of a newer run, brings it back
        }
        String host = HostPort.host(address);
        InetSocketAddress endpoint = null;
        if (HostPort.isLiteral(host)) {
            try {
                Endpoints.Literal literal = endpoints.literal(address, host);
                address = literal.address();
                endpoint = literal.endpoint();
            } catch (UnknownHostException e) {
                // Looked literal (it has a ':') but does not parse as an address, e.g. "[g::1]:80".
                ctx.counters.drop(DropReason.DISCOVER_BAD_ENTRY);
                return null;
            }
            DropReason why = whyNotAPeer(endpoint);
            if (why != null) {
                ctx.counters.drop(why);
                return null;
            }
        }
        if (byAddress.size() >= ctx.config.maxClusterSize()) {
            ctx.counters.drop(DropReason.CLUSTER_FULL);
            return null;
        }
        Peer peer = new Peer(address, via);
        peer.stateSince = ctx.loop.now();
        peer.silentSince = peer.stateSince;
        byAddress.put(peer);
        slices.add(peer);
        index(peer);
        if (endpoint != null) {
            setEndpoint(peer, endpoint);
            joined(peer);
        } else {
            resolve(peer, p -> {
                if (byAddress.get(p.address) == p) {
                    joined(p);
                }
            });
        }
        return peer;
    }

    private void joined(Peer peer) {
        ctx.events.peerJoined(peer.address, peer.via);
    }

    /**
     * Why {@code endpoint} can never be a peer, or null if it can: an unspecified address
     * ({@code 0.0.0.0}, {@code ::}), a multicast address, the limited broadcast address or a local
     * network's broadcast address, or this node itself under any spelling (our port on our bound
     * address, on any address of the interface we are bound to, or, bound to a wildcard, on any
     * address of this host; IPv4-mapped IPv6 forms are the IPv4 address).
     */
    public DropReason whyNotAPeer(InetSocketAddress endpoint) {
        InetAddress a = endpoint.getAddress();
        if (a.isAnyLocalAddress()) {
            return DropReason.PEER_UNSPECIFIED;
        }
        if (a.isMulticastAddress()) {
            return DropReason.PEER_MULTICAST;
        }
        if (isLimitedBroadcast(a) || local.isBroadcast(a)) {
            return DropReason.PEER_BROADCAST;
        }
        return isSelf(endpoint) ? DropReason.PEER_IS_SELF : null;
    }

    private static boolean isLimitedBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 4) {
            return false;
        }
        for (byte x : b) {
            if (x != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    /**
     * Learns the sender of a datagram as a peer, unless an entry already names that endpoint.
     * Marks it heard. Returns the peer.
     */
    public Peer heardFrom(InetSocketAddress sender) {
        Peer peer = aliases.get(sender);
        String spelled = null;
        if (peer == null) {
            spelled = HostPort.of(sender);
            peer = byAddress.get(spelled);
        }
        if (peer == null) {
            forgetTombstone(spelled);
            peer = add(spelled, SENDER);
        }
        if (peer != null) {
            long now = ctx.loop.now();
            peer.flag(Peer.HEARD, true);
            peer.silentSince = now;
            peer.contacted(true);
            peer.misses = 0;
            if (peer.liveness() != Liveness.ALIVE) {
                moveTo(peer, Liveness.ALIVE, 0);
            }
        }
        return peer;
    }

    /**
     * Resolves {@code peer}'s name again on the background thread and calls {@code then} on the
     * loop with it (endpoint may be null if the name does not resolve: skip it this round).
     */
    public void resolve(Peer peer, Consumer<Peer> then) {
        String host = HostPort.host(peer.address);
        if (HostPort.isLiteral(host)) {
            then.accept(peer);
            return;
        }
        int port = HostPort.port(peer.address);
        resolver.execute(() -> {
            InetSocketAddress resolved = new InetSocketAddress(host, port);
            ctx.loop.executeAlways(Task.of("resolved " + peer.address, () -> {
                if (!resolved.isUnresolved() && byAddress.get(peer.address) == peer) {
                    setEndpoint(peer, resolved);
                }
                then.accept(peer);
            }));
        });
    }

    private void setEndpoint(Peer peer, InetSocketAddress endpoint) {
        DropReason why = whyNotAPeer(endpoint);
        if (why != null) {
            // A name that turns out to be ourselves (or no peer): forget it, and refuse it from now on.
            forget(peer);
            notPeers.put(peer.address, why);
            ctx.counters.drop(why);
            return;
        }
        if (peer.endpoint != null) {
            aliases.remove(peer.endpoint, peer);
        }
        peer.endpoint = endpoint;
        if (!HostPort.of(endpoint).equals(peer.address)) {
            // found by its endpoint only through this map; the first peer of an endpoint keeps it
            Peer spelled = byAddress.get(HostPort.of(endpoint));
            if (spelled == null || !endpoint.equals(spelled.endpoint)) {
                aliases.putIfAbsent(endpoint, peer);
            }
        }
    }

    /** Takes {@code peer} out of the list and its indexes. */
    private void forget(Peer peer) {
        backoffs.remove(peer);
        byAddress.remove(peer);
        slices.remove(peer);
        unindex(peer);
        if (peer.endpoint != null) {
            aliases.remove(peer.endpoint, peer);
        }
    }

    /** True if {@code address} is this node's own address string. */
    public boolean isSelf(String address) {
        return address.equals(selfAddress);
    }

    /**
     * True if {@code address}, a literal address that is not our own string, spells this node's
     * control endpoint some other way (a node bound to a wildcard address is reachable at each of
     * its addresses). It is parsed as {@link #add} parses it, through {@link Endpoints}.
     */
    public boolean isSelfSpelling(String address) {
        try {
            String host = HostPort.host(address);
            return HostPort.isLiteral(host) && isSelf(endpoints.literal(address, host).endpoint());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** True if {@code endpoint} is this node's control endpoint. */
    public boolean isSelf(InetSocketAddress endpoint) {
        if (endpoint.getPort() != self.getPort()) {
            return false;
        }
        InetAddress a = endpoint.getAddress();
        InetAddress bound = self.getAddress();
        return a.equals(bound) || (bound.isAnyLocalAddress() ? local.isLocal(a) : local.sameInterface(a, bound));
    }

    /**
     * The address this node announces in a {@code DISCOVER} to {@code to}: its bound address, or,
     * when bound to a wildcard (which is no address a peer can reach), the local address on the
     * peer's network ({@link LocalAddresses#sourceFor}); null when there is none to announce.
     */
    public String announcedTo(InetSocketAddress to) {
        if (!self.getAddress().isAnyLocalAddress()) {
            return selfAddress;
        }
        InetAddress source = to == null ? null : local.sourceFor(to.getAddress());
        return source == null ? null : HostPort.of(new InetSocketAddress(source, self.getPort()));
    }

    /**
     * Marks {@code peer} as extended, with what its {@code HELLO} said ({@code instance} null when
     * it showed itself extended some other way, e.g. by self-announcement). A new instance id means
     * the peer restarted: our {@code HELLO} is owed to the new run.
     */
    public Recognition recognise(Peer peer, String version, String instance, List<String> capabilities) {
        Recognition r = peer.extended() ? Recognition.KNOWN : Recognition.NEW;
        judgedByProbesFromNow(peer);
        peer.flag(Peer.EXTENDED, true);
        if (version != null) {
            peer.speaks = speaks(version, capabilities);
        }
        long id = instance == null ? 0 : Long.parseUnsignedLong(instance, 16);
        if (id != 0 && id != peer.instance) {
            if (peer.instance != 0) {
                r = Recognition.RESTARTED;
                peer.helloSent(false);
                peer.incarnation = 0;
                peer.misses = 0;
            }
            peer.instance = id;
        }
        index(peer);
        return r;
    }

    /** The shared {@link Speaks} for what a {@code HELLO} said. */
    private Speaks speaks(String version, List<String> capabilities) {
        Speaks said = new Speaks(version, List.copyOf(capabilities), capabilities.contains("members"));
        Speaks known = speaks.get(said);
        if (known != null) {
            return known;
        }
        if (speaks.size() < MAX_SPEAKS) {
            speaks.put(said, said);
        }
        return said;
    }

    /**
     * Marks {@code peer} as one of ours at run {@code instance}, incarnation {@code incarnation},
     * as gossip about it says (not the peer itself: no restart is concluded from it here).
     */
    void recogniseRun(Peer peer, long instance, int incarnation) {
        judgedByProbesFromNow(peer);
        peer.flag(Peer.EXTENDED, true);
        peer.instance = instance;
        peer.incarnation = incarnation;
        peer.misses = 0; // the misses were of the earlier run
        index(peer);
    }

    /**
     * A peer suspected for its silence while we took it for reference-style is judged by probes
     * and gossip from now on: its suspicion, which no one else heard of and it could not refute,
     * is dropped.
     */
    private void judgedByProbesFromNow(Peer peer) {
        if (!peer.extended() && peer.liveness() == Liveness.SUSPECT) {
            moveTo(peer, Liveness.ALIVE, 0);
        }
    }

    /** The peer written {@code address}, or null. */
    public Peer byAddress(String address) {
        return byAddress.get(address);
    }

    /** Every peer, in order of discovery. */
    public Collection<Peer> peers() {
        return Collections.unmodifiableCollection(byAddress);
    }

    /** The addresses of the cluster list, as DISCOVER carries them. */
    public List<String> addresses() {
        List<String> out = new ArrayList<>(byAddress.size());
        for (Peer p : byAddress) {
            out.add(p.address);
        }
        return out;
    }

    /** Peers in the list. */
    public int size() {
        return byAddress.size();
    }

    /** The peer whose endpoint is {@code endpoint}, or null. */
    public Peer byEndpoint(InetSocketAddress endpoint) {
        Peer peer = aliases.get(endpoint);
        if (peer == null) {
            peer = byAddress.get(HostPort.of(endpoint));
            if (peer != null && !endpoint.equals(peer.endpoint)) {
                peer = null;
            }
        }
        return peer;
    }

    /**
     * The peers whose address falls in slice {@code slice} of {@code slices}
     * ({@link p2pnio.wire.MemberDigest#sliceOf}), as groups to walk one after the other; for more
     * than {@link Slices#BUCKETS} slices a group also holds others (check each peer's slice).
     */
    public List<List<Peer>> inSlice(int slices, int slice) {
        return this.slices.of(slices, slice);
    }

    /** Marks {@code endpoint} as a priority peer: it answered one of our requests. */
    public void addPriority(InetSocketAddress endpoint) {
        if (priority.size() < ctx.config.maxClusterSize() || priority.contains(endpoint)) {
            priority.add(endpoint);
        }
    }

    /** True if {@code endpoint} answered one of our requests. */
    public boolean isPriority(InetSocketAddress endpoint) {
        return priority.contains(endpoint);
    }

    /** This node's own address string. */
    public String selfAddress() {
        return selfAddress;
    }
}
