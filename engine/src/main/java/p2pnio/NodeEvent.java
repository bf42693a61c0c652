package p2pnio;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * What a node tells its {@link NodeListener}: progress of its work and answers to
 * {@link Command}s. Events are immutable and delivered in the order the loop emitted them.
 */
public sealed interface NodeEvent {

    /** The node is bound and serving. */
    record Ready(InetSocketAddress control, InetSocketAddress transfer) implements NodeEvent { }

    /** A peer joined the cluster list; {@code via} is who told us (or "configured", "sender"). */
    record PeerJoined(String address, String via) implements NodeEvent { }

    /**
     * A peer known as one of our nodes came back as a new run of itself (another instance id): it
     * restarted since we last heard of it.
     */
    record PeerRestarted(String address, String instance) implements NodeEvent { }

    /**
     * A peer's liveness changed: {@code state} is {@code alive}, {@code suspect} (not heard for
     * {@code suspectAfter} periods), {@code down} (a configured peer that stopped answering: kept
     * and retried) or {@code removed} (forgotten, no longer gossiped).
     */
    record PeerLiveness(String address, String state) implements NodeEvent { }

    /** A {@code Get} went out to {@code peers} peers (on the first try and on each retry). */
    record RequestSent(String name, int peers, int attempt) implements NodeEvent { }

    /** A peer answered {@code File} for {@code name}: the download starts from it. */
    record RequestAnswered(String name, String peer, int tcpPort) implements NodeEvent { }

    /**
     * {@code peer} answered {@code File} for {@code name} but then gave no header byte (it refused
     * the connection, reset it, or closed it: {@code what} says which, and what that may mean).
     * The request waits again and has asked the cluster again; it tries {@code peer} again in
     * {@code retryInNanos}, or not at all when that would be past its {@code waiting} (-1).
     */
    record RequestRetrying(String name, String peer, String what, long retryInNanos) implements NodeEvent { }

    /**
     * The server's header arrived: {@code size} bytes will follow. A download from several
     * peers at once (issue #12) starts once, with {@code sources} peers ({@code peer} then reads
     * {@code "3 sources"}); a download from one peer has {@code sources} 1.
     */
    record DownloadStarted(String name, String peer, long size, int sources) implements NodeEvent {
        /** A download from one peer. */
        public DownloadStarted(String name, String peer, long size) {
            this(name, peer, size, 1);
        }
    }

    /** Bytes received so far; emitted a few times a second at most per download. */
    record DownloadProgress(String name, long received, long size, long elapsedNanos) implements NodeEvent { }

    /**
     * The file is complete and in the folder as {@code file}: under the name asked for, or, when a
     * file of that name was already there (it is never replaced), under a numbered copy of it such
     * as {@code notes (1).txt}.
     */
    record DownloadFinished(String name, String peer, long size, long elapsedNanos, Path file, String sha256,
                            String notVerified) implements NodeEvent {
        /** Not verified because the peer is reference-style (a plain {@code File} answer). */
        public static final String PLAIN_PEER = "plain peer";

        /** A download whose content was not checked, because of a plain peer. */
        public DownloadFinished(String name, String peer, long size, long elapsedNanos, Path file) {
            this(name, peer, size, elapsedNanos, file, null, PLAIN_PEER);
        }

        /**
         * True when the content was checked against the SHA-256 the peer's answer carried
         * ({@code sha256}); else {@code notVerified} says why not (e.g. {@link #PLAIN_PEER}).
         */
        public boolean verified() {
            return sha256 != null;
        }

        /** Mean rate in bytes per second. */
        public double bytesPerSecond() {
            return elapsedNanos <= 0 ? 0 : size * 1e9 / elapsedNanos;
        }
    }

    /** The request or download failed; no partial file is left. */
    record DownloadFailed(String name, String reason) implements NodeEvent { }

    /**
     * What arrived from {@code peer} for {@code name} is not what its answer announced: its
     * SHA-256 is {@code actual}, not {@code expected} (or its size differs: {@code what} says).
     * The partial file is deleted; the request tries another peer that answered if
     * {@code retrying}, else a {@link DownloadFailed} follows.
     */
    record DigestMismatch(String name, String peer, String expected, String actual, String what, boolean retrying)
            implements NodeEvent { }

    /** A peer's upload request was served in full. */
    record UploadFinished(String name, String peer, long size, long elapsedNanos) implements NodeEvent { }

    /** An upload connection ended before the file was sent, and why. */
    record UploadFailed(String name, String peer, String reason) implements NodeEvent { }

    /** Something worth a person's attention that is no failure of a transfer. */
    record Warning(String message) implements NodeEvent { }

    /** Answer to {@link Command.ListPeers}. */
    record PeersReport(List<PeerInfo> peers) implements NodeEvent { }

    /** Answer to {@link Command.ListTransfers}. */
    record TransfersReport(List<TransferInfo> transfers) implements NodeEvent { }

    /** Answer to {@link Command.ListFiles}. */
    record FilesReport(List<FileInfo> files) implements NodeEvent { }

    /** Answer to {@link Command.GetStats}. */
    record StatsReport(NodeStats stats) implements NodeEvent { }

    /**
     * The rate limits in force, in bytes per second (0: unlimited): the answer to
     * {@link Command.SetRateLimit} and to {@link Node#rateLimits()}.
     */
    record RateLimits(long uploadBytesPerSecond, long downloadBytesPerSecond) implements NodeEvent { }

    /** Answer to {@link Command.DiscoverNow}: the round went out to {@code peers} peers. */
    record DiscoverySent(int peers) implements NodeEvent { }

    /** The node stopped; {@code cause} is null after a clean {@link Node#close()}. */
    record Stopped(Throwable cause) implements NodeEvent { }

    /**
     * One peer in the cluster list.
     *
     * @param protocol the extension it speaks ({@code p2pnio/1}), "" for a reference-style peer
     * @param instance the instance id of its current run, "" while unknown
     * @param state    {@code alive}, {@code suspect} or {@code down}
     */
    record PeerInfo(String address, String via, long lastHeardMillisAgo, boolean priority, String protocol,
                    String instance, String state) { }

    /** One transfer, running or recently ended. */
    record TransferInfo(String direction, String name, String peer, long bytes, long size, String state,
                        long elapsedNanos) {
        /** Mean rate so far, bytes per second. */
        public double bytesPerSecond() {
            return elapsedNanos <= 0 ? 0 : bytes * 1e9 / elapsedNanos;
        }
    }

    /**
     * Answer to {@link Command.Browse}: what the peers that can browse share, one row per name and
     * content, sorted by name; {@code asked} peers were asked, {@code answered} answered in full
     * within the wait. Reference-style peers are never asked (they cannot answer).
     */
    record BrowseReport(List<SharedFile> files, int asked, int answered) implements NodeEvent {
        public BrowseReport {
            files = List.copyOf(files);
        }
    }

    /** A file peers share: its size, SHA-256 (null while not hashed) and the peers that hold it. */
    record SharedFile(String name, long size, String sha256, List<String> peers) {
        public SharedFile {
            peers = List.copyOf(peers);
        }
    }

    /** One shared file, with its SHA-256 (hex; null while not hashed yet). */
    record FileInfo(String name, long size, String sha256) {
        /** A file whose digest is not known. */
        public FileInfo(String name, long size) {
            this(name, size, null);
        }
    }
}
