package p2pnio.control;

import java.util.ArrayList;
import java.util.List;
import p2pnio.wire.MemberDigest;

/**
 * The peers of a cluster list grouped by where the hash of their address falls
 * ({@link MemberDigest#sliceOf} with {@value #BUCKETS} slices), so that a digest of one slice, or
 * the delta that answers one, walks the members of that slice only: a {@code PING} or an
 * {@code ACK} costs at most about {@link MemberDigest#MAX_PER_SLICE} peers of work, however large
 * the cluster. Loop thread only.
 *
 * <p>A slice of {@code s} slices (a power of two) is the set of hashes whose mixed value is
 * {@code slice} modulo {@code s}; for {@code s <= BUCKETS} it is exactly the buckets
 * {@code slice, slice + s, slice + 2s, ...}, for a larger {@code s} part of bucket
 * {@code slice mod BUCKETS}.
 */
final class Slices {

    /** Groups kept: a power of two. */
    static final int BUCKETS = 256;

    private final List<List<Cluster.Peer>> buckets = new ArrayList<>(BUCKETS);

    Slices() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets.add(new ArrayList<>(0));
        }
    }

    void add(Cluster.Peer peer) {
        buckets.get(MemberDigest.sliceOf(peer.hash(), BUCKETS)).add(peer);
    }

    void remove(Cluster.Peer peer) {
        buckets.get(MemberDigest.sliceOf(peer.hash(), BUCKETS)).remove(peer);
    }

    /** The groups that hold slice {@code slice} of {@code slices}. */
    List<List<Cluster.Peer>> of(int slices, int slice) {
        if (slices >= BUCKETS) {
            return List.of(buckets.get(slice & (BUCKETS - 1)));
        }
        List<List<Cluster.Peer>> out = new ArrayList<>(BUCKETS / slices);
        for (int b = slice; b < BUCKETS; b += slices) {
            out.add(buckets.get(b));
        }
        return out;
    }
}
