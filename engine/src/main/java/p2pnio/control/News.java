package p2pnio.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;

/**
 * Membership news waiting to be piggybacked on {@code PING}s and {@code ACK}s: a member that
 * joined, is suspected, died, refuted a suspicion or restarted. Each item goes out a bounded number
 * of times ({@code 3 log2(n + 2)} for a cluster of {@code n}), the least-sent first, as HashiCorp
 * memberlist's transmit-limited queue does, changes of liveness before joins; a newer item about a
 * member replaces the older one. At most {@value #CAP} items wait; beyond that the eldest is
 * dropped. Loop thread only.
 *
 * <p>The items wait in queues by urgency and by how often they went out, so that filling a
 * datagram looks at the items it takes (and the few that do not fit), not at every item waiting:
 * every {@code PING} and {@code ACK} takes news, and a large cluster keeps the queue full.
 */
final class News {

    static final int CAP = 512;

    private static final class Item {
        final ControlMessage.Member member;
        final boolean urgent;
        /** Its length in a datagram ({@link ControlCodec#memberBytes}), computed once: every fill of a datagram asks it. */
        final int bytes;
        int sent;
        /** Its neighbours in the queue of its urgency and count of sends. */
        Item before;
        Item after;

        Item(ControlMessage.Member member, boolean urgent) {
            this.member = member;
            this.urgent = urgent;
            this.bytes = ControlCodec.memberBytes(member);
        }
    }

    /** A first-in first-out queue of items, linked through the items themselves. */
    private static final class Queue {
        Item first;
        Item last;

        void append(Item i) {
            i.before = last;
            i.after = null;
            if (last == null) {
                first = i;
            } else {
                last.after = i;
            }
            last = i;
        }

        void unlink(Item i) {
            if (i.before == null) {
                first = i.after;
            } else {
                i.before.after = i.after;
            }
            if (i.after == null) {
                last = i.before;
            } else {
                i.after.before = i.before;
            }
            i.before = null;
            i.after = null;
        }
    }

    /** Every item by its member's address, eldest first. */
    private final Map<String, Item> byAddress = new LinkedHashMap<>();
    /** {@code queues[u].get(s)}: the items of urgency {@code u} (0 urgent, 1 not) sent {@code s} times. */
    @SuppressWarnings("unchecked")
    private final List<Queue>[] queues = new List[] {new ArrayList<Queue>(), new ArrayList<Queue>()};

    private Queue queue(boolean urgent, int sent) {
        List<Queue> bySent = queues[urgent ? 0 : 1];
        while (bySent.size() <= sent) {
            bySent.add(new Queue());
        }
        return bySent.get(sent);
    }

    private void remove(Item i) {
        byAddress.remove(i.member.address());
        queue(i.urgent, i.sent).unlink(i);
    }

    /** Queues a join: news, but less pressing than a change of liveness (the delta also carries joins). */
    void add(ControlMessage.Member member) {
        add(member, member.state() != ControlMessage.Member.ALIVE);
    }

    /**
     * Queues {@code member}, replacing any older item about the same address; {@code urgent} items
     * (suspicions, deaths, refutations, restarts) go out before the others.
     */
    void add(ControlMessage.Member member, boolean urgent) {
        Item old = byAddress.get(member.address());
        if (old != null) {
            remove(old);
        }
        Item item = new Item(member, urgent);
        byAddress.put(member.address(), item);
        queue(urgent, 0).append(item);
        if (byAddress.size() > CAP) {
            // the eldest item has been offered longest, so it is (nearly) the most sent
            remove(byAddress.values().iterator().next());
        }
    }

    /**
     * Adds to {@code out} the least-sent items that fit in {@code budget} bytes (at most
     * {@code limit}), counts them as sent once more, and forgets those sent {@code maxSends} times.
     * Returns the bytes used.
     */
    int take(List<ControlMessage.Member> out, int budget, int limit, int maxSends, String skip) {
        if (byAddress.isEmpty()) {
            return 0;
        }
        List<Item> taken = new ArrayList<>();
        int used = 0;
        // changes of liveness before joins, they are what must not be late; the least sent first
        walk:
        for (List<Queue> bySent : queues) {
            for (Queue q : bySent) {
                for (Item i = q.first; i != null; i = i.after) {
                    if (taken.size() >= limit || budget - used < 16) {
                        break walk; // full: no member is shorter than 16 bytes ("a/0/0/1.2.3.4:1" and its comma)
                    }
                    if (i.member.state() == ControlMessage.Member.ALIVE && i.member.address().equals(skip)) {
                        continue; // the receiver knows it is alive; a suspicion of it, though, it must hear, to refute it
                    }
                    if (used + i.bytes > budget) {
                        continue;
                    }
                    out.add(i.member);
                    used += i.bytes;
                    taken.add(i);
                }
            }
        }
        // moved once the walk is over, so that no item goes twice into one datagram
        for (Item i : taken) {
            queue(i.urgent, i.sent).unlink(i);
            if (++i.sent >= maxSends) {
                byAddress.remove(i.member.address());
            } else {
                queue(i.urgent, i.sent).append(i);
            }
        }
        return used;
    }

    /** Items waiting. */
    int size() {
        return byAddress.size();
    }
}
