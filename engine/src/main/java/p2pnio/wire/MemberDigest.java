package p2pnio.wire;

import java.util.Base64;

/**
 * What a node knows, compressed into one field of a {@code PING}: a Bloom filter of the addresses
 * of its members (itself included) that fall in one <em>slice</em> of the address hash space. The
 * answering {@code ACK} carries the members of that slice that the filter lacks (the delta), so an
 * exchange sends what the asker is missing rather than a random part of a list.
 *
 * <p>Wire form {@code <slices>-<slice>-<filter in base64url>}, or {@code -} for none. The filter
 * has about 10 bits per member and 7 hash positions per address (about 1 % false positives: a
 * member that looks present is merely left for the next exchange, whose slice and filter differ).
 * A node with more members than one filter can hold in a datagram splits them into 2, 4, 8, ...
 * slices and sends one slice per {@code PING}.
 *
 * <p>A false positive must not be the same at every exchange: a filter of the same members at the
 * same length sets the same bits, so once a node's list stops changing, the member it lacks that
 * its filter wrongly claims would be claimed by every digest it sends and never come in a delta
 * (the slow tail of convergence at 10,000 nodes, docs/membership.md). The sender therefore varies
 * the filter's length ({@link #forSlice(int, int, int, int)}), which moves every bit position.
 */
public final class MemberDigest {

    /** No digest: the asker wants news only. */
    public static final String NONE = "-";
    /** Most members one filter describes, so that it fits a datagram beside the news. */
    public static final int MAX_PER_SLICE = 600;
    private static final int BITS_PER_MEMBER = 10;
    private static final int HASHES = 7;
    private static final int MAX_FILTER_BYTES = 1200;

    private final int slices;
    private final int slice;
    private final byte[] bits;

    private MemberDigest(int slices, int slice, byte[] bits) {
        this.slices = slices;
        this.slice = slice;
        this.bits = bits;
    }

    /** A digest of slice {@code slice} of {@code slices}, sized for {@code members} addresses. */
    public static MemberDigest forSlice(int slices, int slice, int members) {
        return forSlice(slices, slice, members, 0);
    }

    /**
     * As {@link #forSlice(int, int, int)}, {@code salt & 7} bytes longer (at most
     * {@value #MAX_FILTER_BYTES} all the same). The bit positions of an address depend on the
     * filter's length, so digests of the same members at another length have their false
     * positives elsewhere: a member that one digest wrongly claims is, with a new salt, very likely
     * not claimed by the next. A reader needs nothing for it: the length is the filter's own.
     */
    public static MemberDigest forSlice(int slices, int slice, int members, int salt) {
        int bytes = Math.min(MAX_FILTER_BYTES, Math.max(8, (members * BITS_PER_MEMBER + 7) / 8) + (salt & 7));
        return new MemberDigest(slices, slice, new byte[bytes]);
    }

    /** How many slices {@code members} addresses need: a power of two. */
    public static int slicesFor(int members) {
        int slices = 1;
        while (members / slices > MAX_PER_SLICE) {
            slices *= 2;
        }
        return slices;
    }

    /** A 64-bit hash of an address (FNV-1a), the key of every digest. */
    public static long hash(String address) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < address.length(); i++) {
            h ^= address.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The slice of {@code slices} that the address with hash {@code hash} falls in. */
    public static int sliceOf(long hash, int slices) {
        long z = hash ^ (hash >>> 31);
        z *= 0x94d049bb133111ebL;
        z ^= z >>> 29;
        return (int) Long.remainderUnsigned(z, slices);
    }

    /** Slices in the digest's split. */
    public int slices() {
        return slices;
    }

    /** The slice this digest describes. */
    public int slice() {
        return slice;
    }

    /** True if the address with hash {@code hash} is in the slice this digest describes. */
    public boolean covers(long hash) {
        return sliceOf(hash, slices) == slice;
    }

    /** The {@code i}-th bit position of an address (double hashing: h1 + i h2). */
    private int position(long hash, int i) {
        return Integer.remainderUnsigned((int) hash + i * ((int) (hash >>> 32) | 1), bits.length * 8);
    }

    /** Adds an address (by its hash). */
    public void add(long hash) {
        for (int i = 0; i < HASHES; i++) {
            int p = position(hash, i);
            bits[p >>> 3] |= (byte) (1 << (p & 7));
        }
    }

    /** False if the address with hash {@code hash} is surely not in the digest. */
    public boolean mightContain(long hash) {
        for (int i = 0; i < HASHES; i++) {
            int p = position(hash, i);
            if ((bits[p >>> 3] & (1 << (p & 7))) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The wire form. */
    public String encode() {
        return slices + "-" + slice + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Parses the wire form; null for {@link #NONE} or anything malformed. */
    public static MemberDigest parse(String s) {
        int a = s.indexOf('-');
        int b = a < 0 ? -1 : s.indexOf('-', a + 1);
        if (a <= 0 || b < 0) {
            return null;
        }
        try {
            int slices = Integer.parseInt(s.substring(0, a));
            int slice = Integer.parseInt(s.substring(a + 1, b));
            byte[] bits = Base64.getUrlDecoder().decode(s.substring(b + 1));
            if (slices < 1 || slices > 1 << 20 || Integer.bitCount(slices) != 1 || slice < 0 || slice >= slices
                    || bits.length < 1 || bits.length > MAX_FILTER_BYTES) {
                return null;
            }
            return new MemberDigest(slices, slice, bits);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** True for {@link #NONE} and for every digest {@link #parse} accepts. */
    public static boolean isWellFormed(String s) {
        return NONE.equals(s) || parse(s) != null;
    }
}
