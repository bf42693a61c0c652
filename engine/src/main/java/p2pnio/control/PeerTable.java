package p2pnio.control;

import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The peers of a cluster list by address, in order of insertion: what a {@code LinkedHashMap} from
 * address to peer gives, at about 14 bytes a peer instead of 50 (no entry object per peer: an array
 * of the peers in order, and an open-addressing table of their places in it). A node of a large
 * cluster holds one per member, and the membership simulation N (N - 1) of them. The key of a peer
 * is its {@link Cluster.Peer#address()}. Loop thread only; changing it while iterating throws
 * {@link ConcurrentModificationException}, as the map did.
 */
final class PeerTable extends AbstractCollection<Cluster.Peer> {

    private static final int EMPTY = 0;
    private static final int DELETED = -1;

    /** The peers in order of insertion; a removed one leaves a null until the next compaction. */
    private Cluster.Peer[] order = new Cluster.Peer[8];
    /** Used places of {@link #order}, holes included. */
    private int end;
    private int size;
    /** Linear probing: {@link #EMPTY}, {@link #DELETED}, or the place in {@link #order} plus one. */
    private int[] slots = new int[16];
    /** Slots not {@link #EMPTY}. */
    private int used;
    private int modCount;

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The peer of {@code address}, or null. */
    Cluster.Peer get(String address) {
        int mask = slots.length - 1;
        for (int i = mix(address.hashCode()) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == EMPTY) {
                return null;
            }
            if (s > 0 && order[s - 1].address().equals(address)) {
                return order[s - 1];
            }
        }
    }

    boolean containsKey(String address) {
        return get(address) != null;
    }

    /** Adds {@code peer}, whose address must not be in the table. */
    void put(Cluster.Peer peer) {
        if (end == order.length) {
            order = Arrays.copyOf(compactOrder(), size < order.length / 2 ? order.length : order.length * 2);
            rehash();
        }
        if ((used + 1) * 4 > slots.length * 3) {
            rehash();
        }
        order[end] = peer;
        end++;
        size++;
        place(peer.address(), end);
        modCount++;
    }

    /** Removes {@code peer} (the very object) if it is in the table. */
    void remove(Cluster.Peer peer) {
        int mask = slots.length - 1;
        for (int i = mix(peer.address().hashCode()) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == EMPTY) {
                return;
            }
            if (s > 0 && order[s - 1] == peer) {
                slots[i] = DELETED;
                order[s - 1] = null;
                size--;
                modCount++;
                return;
            }
        }
    }

    /** {@link #order} without its holes, in the same array (the rest cleared); {@link #end} follows. */
    private Cluster.Peer[] compactOrder() {
        int j = 0;
        for (int i = 0; i < end; i++) {
            if (order[i] != null) {
                order[j++] = order[i];
            }
        }
        Arrays.fill(order, j, end, null);
        end = j;
        return order;
    }

    /** Builds {@link #slots} again from {@link #order} (holes removed), at most half full. */
    private void rehash() {
        compactOrder();
        int capacity = 16;
        while (capacity < 2 * (size + 1)) {
            capacity <<= 1;
        }
        slots = new int[capacity];
        used = 0;
        for (int i = 0; i < end; i++) {
            place(order[i].address(), i + 1);
        }
    }

    private void place(String address, int value) {
        int mask = slots.length - 1;
        int i = mix(address.hashCode()) & mask;
        while (slots[i] > 0) { // a deleted slot can be reused: the address is not in the table
            i = (i + 1) & mask;
        }
        if (slots[i] == EMPTY) {
            used++;
        }
        slots[i] = value;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<Cluster.Peer> iterator() {
        return new Iterator<>() {
            private final int expected = modCount;
            private int next = skip(0);

            private int skip(int from) {
                while (from < end && order[from] == null) {
                    from++;
                }
                return from;
            }

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public Cluster.Peer next() {
                if (modCount != expected) {
                    throw new ConcurrentModificationException();
                }
                if (next >= end) {
                    throw new NoSuchElementException();
                }
                Cluster.Peer p = order[next];
                next = skip(next + 1);
                return p;
            }
        };
    }
}
