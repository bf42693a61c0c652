package p2pnio.secure;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who the members of a secure cluster are, as their sealed datagrams showed them: for each control
 * endpoint, the fingerprint its last sealed datagram carried. Whoever holds the cluster's secret can
 * seal, so every fingerprint seen here is a member's. A downloader asks {@link #at} for the
 * fingerprint the peer that answered announced (the one its TLS server must present); an upload asks
 * {@link #isMember} whether a client certificate is a member's.
 *
 * <p>{@link #heard} and {@link #at} are for the loop thread; {@link #isMember} reads a concurrent map
 * and may be called from any thread (JSSE calls it from a handshake, possibly in a
 * delegated task). At most {@value #MAX} endpoints are remembered, the least recently heard
 * forgotten first.
 */
public final class Members {

    /** Most endpoints remembered. */
    public static final int MAX = 4096;

    private final Map<InetSocketAddress, Fingerprint> byEndpoint = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Fingerprint> eldest) {
            if (size() <= MAX) {
                return false;
            }
            release(eldest.getValue());
            return true;
        }
    };
    /** How many endpoints carry each fingerprint: written by the loop, read by any thread. */
    private final ConcurrentHashMap<Fingerprint, Integer> endpoints = new ConcurrentHashMap<>();

    /** A sealed datagram from {@code endpoint} carried {@code fingerprint}. Loop thread. */
    public void heard(InetSocketAddress endpoint, Fingerprint fingerprint) {
        Fingerprint before = byEndpoint.put(endpoint, fingerprint);
        if (fingerprint.equals(before)) {
            return; // the usual case: nothing changed, nothing written
        }
        endpoints.merge(fingerprint, 1, Integer::sum);
        if (before != null) {
            release(before);
        }
    }

    private void release(Fingerprint fingerprint) {
        endpoints.computeIfPresent(fingerprint, (f, n) -> n == 1 ? null : n - 1);
    }

    /** The fingerprint the sealed datagrams from {@code endpoint} carry, or null if none came. Loop thread. */
    public Fingerprint at(InetSocketAddress endpoint) {
        return byEndpoint.get(endpoint);
    }

    /** True if {@code fingerprint} was carried by a sealed datagram of a member. Any thread. */
    public boolean isMember(Fingerprint fingerprint) {
        return endpoints.containsKey(fingerprint);
    }

    /** Endpoints known. Loop thread. */
    public int size() {
        return byEndpoint.size();
    }
}
