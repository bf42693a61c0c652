package p2pnio.control;

import p2pnio.transfer.Transitions;

/**
 * The liveness of one peer, a small state machine (drawn in docs/state-machines.md and checked by
 * StateDiagramTest): a peer is {@code ALIVE} while heard (or, for one of our nodes, while its
 * probers hear it); {@code SUSPECT} once not heard for {@code suspectAfter} periods; after
 * {@code removeAfter} more it is {@code REMOVED} (forgotten, no longer gossiped), or {@code DOWN}
 * if it came from the configuration (kept, shown, and retried with a growing backoff).
 */
public enum Liveness {
    ALIVE, SUSPECT, DOWN, REMOVED;

    /** The legal moves. */
    public static final Transitions<Liveness> TRANSITIONS = Transitions.startingAt(ALIVE)
            .allow(ALIVE, SUSPECT, DOWN, REMOVED)
            .allow(SUSPECT, ALIVE, DOWN, REMOVED)
            .allow(DOWN, ALIVE);

    /** The word {@code list} shows. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
