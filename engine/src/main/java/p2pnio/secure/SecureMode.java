package p2pnio.secure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What a node in secure mode holds: the cluster's secret, its own identity (key and certificate),
 * the members seen so far, and TLS contexts pinned to them. Loaded from files before the node's
 * loop starts (reading and, on first start, making the identity is file work and key generation,
 * never the loop's).
 */
public final class SecureMode {

    private final ClusterSecret secret;
    private final NodeIdentity identity;
    private final Duration skew;
    private final Members members = new Members();
    private final Tls tls;

    private SecureMode(ClusterSecret secret, NodeIdentity identity, Duration skew) {
        this.secret = secret;
        this.identity = identity;
        this.skew = skew;
        this.tls = new Tls(identity, members::isMember);
    }

    /**
     * Reads the secret of {@code secretFile} and the identity of {@code identityFile}, making the
     * identity there first if it does not exist.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static SecureMode load(Path secretFile, Path identityFile, Duration skew) throws IOException {
        ClusterSecret secret;
        try {
            secret = ClusterSecret.read(secretFile);
        } catch (IllegalArgumentException e) {
            throw new IOException("cluster secret " + e.getMessage(), e);
        }
        return new SecureMode(secret, NodeIdentity.loadOrCreate(identityFile), skew);
    }

    /** A secure mode in memory (tests and embedders). */
    public static SecureMode of(ClusterSecret secret, NodeIdentity identity, Duration skew) {
        return new SecureMode(secret, identity, skew);
    }

    /**
     * The seal of this node's datagrams, for a node that can be reached at the endpoints
     * {@code isSelf} accepts, on the wall clock {@code wallClock} (ms since 1970).
     */
    public Seal seal(Predicate<InetSocketAddress> isSelf, LongSupplier wallClock) {
        return new Seal(secret, identity.fingerprint(), isSelf, wallClock, skew);
    }

    /** This node's identity. */
    public NodeIdentity identity() {
        return identity;
    }

    /** The members seen so far. */
    public Members members() {
        return members;
    }

    /** TLS for transfers: server engines that accept members, client engines pinned to a fingerprint. */
    public Tls tls() {
        return tls;
    }
}
