package p2pnio;

/**
 * What other threads ask of a node: {@link Node#post} queues one for the loop, which answers
 * with {@link NodeEvent}s.
 */
public sealed interface Command {

    /** Ask the cluster for {@code name} and download it into the shared folder. */
    record Fetch(String name) implements Command { }

    /**
     * Download {@code name}, {@code size} bytes with this SHA-256 (64 lower-case hex digits), from
     * all of {@code sources} at once in ranged pieces (issue #12): the transfer endpoints of our
     * nodes that announced the {@code range} capability. The answers of issue #11 (an extended
     * {@code File}: size, SHA-256, capabilities) are what fill it in; a reference-style peer must
     * not be listed (it would send the whole file to each ranged request). Answered by the usual
     * download events; a source that sent wrong bytes is named in a warning. In secure mode no
     * source given here has a certificate to pin (no answer named it): use {@link Fetch}, whose
     * sealed answers announce each source's certificate.
     *
     * @param pieceBytes bytes per piece, 0 for the default (4 MiB)
     */
    record FetchFrom(String name, long size, String sha256, java.util.List<java.net.InetSocketAddress> sources,
                     long pieceBytes) implements Command {
        /** @throws IllegalArgumentException if a field cannot describe a download */
        public FetchFrom {
            if (name == null || name.isEmpty() || size < 0 || sources == null || sources.isEmpty() || pieceBytes < 0
                    || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("FetchFrom needs a name, a size >= 0, a SHA-256 in lower-case hex,"
                        + " at least one source and a piece size >= 0");
            }
            sources = java.util.List.copyOf(sources);
        }
    }

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

    /**
     * Ask the peers that speak the extension and can browse what they share; answered with a
     * {@link NodeEvent.BrowseReport} within about 2 s (also {@link Node#browse()}).
     */
    record Browse() implements Command { }

    /** Answer with a {@link NodeEvent.StatsReport}. */
    record GetStats() implements Command { }

    /** Turn the trace on or off. */
    record SetTrace(boolean on) implements Command { }

    /** Which way a rate limit applies: to all uploads together, or to all downloads together. */
    enum Direction { UPLOAD, DOWNLOAD }

    /**
     * Change a rate limit now, for the transfers running and those to come; answered with
     * {@link NodeEvent.RateLimits}. Throttled connections pick up the new rate at once.
     *
     * @param bytesPerSecond 0 for unlimited
     */
    record SetRateLimit(Direction direction, long bytesPerSecond) implements Command {
        /** @throws IllegalArgumentException if the rate is negative or the direction missing */
        public SetRateLimit {
            if (direction == null) {
                throw new IllegalArgumentException("a rate limit needs a direction (UPLOAD or DOWNLOAD)");
            }
            if (bytesPerSecond < 0) {
                throw new IllegalArgumentException("a rate limit must be 0 (unlimited) or a number of bytes per"
                        + " second, got " + bytesPerSecond);
            }
        }
    }
}
