/**
 * The p2p-nio engine: a node whose whole network side runs on one selector thread.
 *
 * <p>Only {@code p2pnio} is its API: {@code Node}, {@code NodeConfig}, {@code Command},
 * {@code NodeEvent}, {@code NodeListener}, {@code NodeStats}, {@code PeerAddress},
 * {@code FileName}, {@code Visible}. Everything else is the engine's own, and a module that
 * requires this one cannot compile against it. The benchmarks ({@code p2pnio.bench}) measure four internals on
 * purpose (the parsers and codec, the mailbox, the size of the shared read buffer, and the TLS
 * contexts and identities of secure mode, so that the TLS baselines use the very same): they alone
 * are let in, by name.
 */
@SuppressWarnings("module") // the benchmarks module is compiled after this one, so javac cannot see it here
module p2pnio.engine {
    requires jdk.jfr;           // the node's own Flight Recorder events (p2pnio.jfr)
    requires java.management;   // the node's counters as an MXBean
    requires jdk.management;    // the loop thread's allocated bytes, when its turns are measured (measureTurnCpu)

    exports p2pnio;

    exports p2pnio.wire to p2pnio.bench;
    exports p2pnio.loop to p2pnio.bench;
    exports p2pnio.transfer to p2pnio.bench;
    exports p2pnio.secure to p2pnio.bench;
}
