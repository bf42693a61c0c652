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
 * memberlist's transmit-limited queue does, changes of liveness before joins; a newer item about a member replaces the older one.
 * At most {@value #CAP} items wait; beyond that the eldest is dropped. Loop thread only.
 */
final class News {

    static final int CAP = 512;

    private static final class Item {
        final ControlMessage.Member member;
        final boolean urgent;
        int sent;

        Item(ControlMessage.Member member, boolean urgent) {
            this.member = member;
            this.urgent = urgent;
        }
    }

    private final Map<String, Item> byAddress = new LinkedHashMap<>();

    /** Queues a join: news, but less pressing than a change of liveness (the delta also carries joins). */
    void add(ControlMessage.Member member) {
        add(member, member.state() != ControlMessage.Member.ALIVE);
    }

    /**
     * Queues {@code member}, replacing any older item about the same address; {@code urgent} items
     * (suspicions, deaths, refutations, restarts) go out before the others.
     */
    void add(ControlMessage.Member member, boolean urgent) {
        byAddress.remove(member.address());
        byAddress.put(member.address(), new Item(member, urgent));
        if (byAddress.size() > CAP) {
            // the eldest item has been offered longest, so it is (nearly) the most sent
            byAddress.remove(byAddress.keySet().iterator().next());
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
        // least sent first: one pass to bucket the items by how often they went out (no sort)
        List<List<Item>> bySent = new ArrayList<>();
        for (Item i : byAddress.values()) {
            while (bySent.size() <= i.sent) {
                bySent.add(new ArrayList<>());
            }
            bySent.get(i.sent).add(i);
        }
        // changes of liveness before joins: they are what must not be late
        List<Item> items = new ArrayList<>(byAddress.size());
        for (List<Item> bucket : bySent) {
            for (Item i : bucket) {
                if (i.urgent) {
                    items.add(i);
                }
            }
        }
        for (List<Item> bucket : bySent) {
            for (Item i : bucket) {
                if (!i.urgent) {
                    items.add(i);
                }
            }
        }
        int used = 0;
        int taken = 0;
        for (Item i : items) {
            if (taken >= limit || budget - used < 16) {
                break; // full: no member is shorter than 16 bytes ("a/0/0/1.2.3.4:1" and its comma)
            }
            if (i.member.state() == ControlMessage.Member.ALIVE && i.member.address().equals(skip)) {
                continue; // the receiver knows it is alive; a suspicion of it, though, it must hear, to refute it
            }
            int bytes = ControlCodec.memberBytes(i.member);
            if (used + bytes > budget) {
                continue;
            }
            out.add(i.member);
            used += bytes;
            taken++;
            if (++i.sent >= maxSends) {
                byAddress.remove(i.member.address());
            }
        }
        return used;
    }

    /** Items waiting. */
    int size() {
        return byAddress.size();
    }
}
