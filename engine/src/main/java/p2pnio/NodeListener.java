package p2pnio;

/**
 * Receives a node's events, on one event thread of the node's own (never on the loop thread, so
 * a slow listener cannot stall I/O). Events arrive in the order the loop emitted them.
 */
@FunctionalInterface
public interface NodeListener {

    /** Called once per event; exceptions are caught and printed, they do not stop the node. */
    void onEvent(NodeEvent event);

    /** A listener that ignores everything. */
    static NodeListener ignoring() {
        return event -> { };
    }
}
