package p2pnio.control;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import p2pnio.core.Context;
import p2pnio.loop.Task;
import p2pnio.wire.DropReason;
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

    /** Where a peer came from. */
    public static final String CONFIGURED = "configured";
    /** A peer learned from the source address of its own datagram. */
    public static final String SENDER = "sender";

    /** One peer of the cluster list. */
    public static final class Peer {
        private final String address;
        private final String via;
        private InetSocketAddress endpoint;
        private long lastHeard;
        private boolean heard;

        Peer(String address, String via) {
            this.address = address;
            this.via = via;
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
            return lastHeard;
        }

        /** True once any datagram came from this peer. */
        public boolean heard() {
            return heard;
        }
    }

    private final Context ctx;
    private final Executor resolver;
    private final InetSocketAddress self;
    private final String selfAddress;
    private final Set<InetAddress> localAddresses;
    private final Map<String, Peer> byAddress = new LinkedHashMap<>();
    private final Map<InetSocketAddress, Peer> byEndpoint = new HashMap<>();
    private final Set<InetSocketAddress> priority = new HashSet<>();
    private Consumer<Peer> onJoin = p -> { };

    /**
     * @param self            this node's bound control endpoint
     * @param localAddresses  this host's addresses (to recognise ourselves behind a wildcard bind)
     */
    public Cluster(Context ctx, Executor resolver, InetSocketAddress self, Set<InetAddress> localAddresses) {
        this.ctx = ctx;
        this.resolver = resolver;
        this.self = self;
        this.selfAddress = HostPort.of(self);
        this.localAddresses = localAddresses;
    }

    /** Sets who hears of every peer that joins. */
    public void onJoin(Consumer<Peer> listener) {
        this.onJoin = listener;
    }

    /**
     * Adds {@code address} unless it is invalid, known, ourselves, or the list is full (the last
     * two counted as drops). Returns the new peer, or null.
     */
    public Peer add(String address, String via) {
        if (address.isEmpty() || byAddress.containsKey(address) || isSelf(address)) {
            return null;
        }
        if (HostPort.whyInvalid(address) != null) {
            ctx.counters.drop(DropReason.DISCOVER_BAD_ENTRY);
            return null;
        }
        if (byAddress.size() >= ctx.config.maxClusterSize()) {
            ctx.counters.drop(DropReason.CLUSTER_FULL);
            return null;
        }
        Peer peer = new Peer(address, via);
        byAddress.put(address, peer);
        String host = HostPort.host(address);
        if (HostPort.isLiteral(host)) {
            try {
                // A literal needs no DNS: getByName only parses it.
                setEndpoint(peer, new InetSocketAddress(InetAddress.getByName(host), HostPort.port(address)));
            } catch (UnknownHostException e) {
                // Looked literal (it has a ':') but does not parse as an address, e.g. "[g::1]:80".
                byAddress.remove(address);
                ctx.counters.drop(DropReason.DISCOVER_BAD_ENTRY);
                return null;
            }
        } else {
            resolve(peer, p -> { });
        }
        onJoin.accept(peer);
        return peer;
    }

    /**
     * Learns the sender of a datagram as a peer, unless an entry already names that endpoint.
     * Marks it heard. Returns the peer.
     */
    public Peer heardFrom(InetSocketAddress sender) {
        Peer peer = byEndpoint.get(sender);
        if (peer == null) {
            peer = byAddress.get(HostPort.of(sender));
        }
        if (peer == null) {
            peer = add(HostPort.of(sender), SENDER);
        }
        if (peer != null) {
            peer.lastHeard = ctx.loop.now();
            peer.heard = true;
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
        if (isSelf(endpoint)) {
            // A name that turns out to be ourselves: forget it, as the reference forgets its own address.
            byAddress.remove(peer.address);
            return;
        }
        if (peer.endpoint != null) {
            byEndpoint.remove(peer.endpoint, peer);
        }
        peer.endpoint = endpoint;
        byEndpoint.putIfAbsent(endpoint, peer);
    }

    /** True if {@code address} is this node's own address string. */
    public boolean isSelf(String address) {
        return address.equals(selfAddress);
    }

    /** True if {@code endpoint} is this node's control endpoint. */
    public boolean isSelf(InetSocketAddress endpoint) {
        if (endpoint.getPort() != self.getPort()) {
            return false;
        }
        InetAddress a = endpoint.getAddress();
        return a.equals(self.getAddress())
                || (self.getAddress().isAnyLocalAddress() && (a.isLoopbackAddress() || localAddresses.contains(a)));
    }

    /** Every peer, in order of discovery. */
    public Collection<Peer> peers() {
        return byAddress.values();
    }

    /** The addresses of the cluster list, as DISCOVER carries them. */
    public List<String> addresses() {
        return new ArrayList<>(byAddress.keySet());
    }

    /** Peers in the list. */
    public int size() {
        return byAddress.size();
    }

    /** The peer whose endpoint is {@code endpoint}, or null. */
    public Peer byEndpoint(InetSocketAddress endpoint) {
        return byEndpoint.get(endpoint);
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
