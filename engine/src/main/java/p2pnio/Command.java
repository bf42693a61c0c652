package p2pnio;

/**
 * What other threads ask of a node: {@link Node#post} queues one for the loop, which answers
 * with {@link NodeEvent}s.
 */
public sealed interface Command {

    /** Ask the cluster for {@code name} and download it into the shared folder. */
    record Fetch(String name) implements Command { }

    /** Stop waiting for, or downloading, {@code name}; its partial file is deleted. */
    record Cancel(String name) implements Command { }

    /** Add a peer ({@code host:port}) to the cluster, as if configured. */
    record AddPeer(String address) implements Command { }

    /**
     * Run a discovery round now; answered with {@link NodeEvent.DiscoverySent}. Peers that are new
     * arrive as {@link NodeEvent.PeerJoined} when their answers come in.
     */
    record DiscoverNow() implements Command { }

    /** Answer with a {@link NodeEvent.PeersReport}. */
    record ListPeers() implements Command { }

    /** Answer with a {@link NodeEvent.TransfersReport}. */
    record ListTransfers() implements Command { }

    /** Answer with a {@link NodeEvent.FilesReport} from the current index, then rebuild the index in the background. */
    record ListFiles() implements Command { }

    /** Answer with a {@link NodeEvent.StatsReport}. */
    record GetStats() implements Command { }

    /** Turn the trace on or off. */
    record SetTrace(boolean on) implements Command { }
}
