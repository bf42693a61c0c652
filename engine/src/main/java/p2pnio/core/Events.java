package p2pnio.core;

import java.nio.file.Path;

/**
 * What the node's parts report, one method per kind of news. The node's wiring
 * ({@code p2pnio.NodeCore}) turns each call into the public {@code NodeEvent} of the same name
 * and hands it to the listener's thread, so that the parts never depend on the public API
 * package above them. Loop thread only; no method waits.
 */
public interface Events {
    /** A peer joined the cluster list; {@code via} is who told us (or "configured", "sender"). */
    void peerJoined(String address, String via);

    /** A peer known as one of our nodes came back as a new run of itself ({@code instance}). */
    void peerRestarted(String address, String instance);

    /** A peer's liveness changed to {@code state}: {@code alive}, {@code suspect}, {@code down} or {@code removed}. */
    void peerLiveness(String address, String state);

    /** A {@code Get} for {@code name} went out to {@code peers} peers (try {@code attempt}). */
    void requestSent(String name, int peers, int attempt);

    /** {@code peer} answered {@code File} for {@code name}: the download starts from it. */
    void requestAnswered(String name, String peer, int tcpPort);

    /**
     * {@code peer} gave no header byte for {@code name} ({@code what}); the request waits again and
     * tries that peer again in {@code retryInNanos} (-1: not within its {@code waiting}).
     */
    void requestRetrying(String name, String peer, String what, long retryInNanos);

    /** The server's header arrived: {@code size} bytes will follow. */
    void downloadStarted(String name, String peer, long size);

    /** A download from {@code sources} peers at once has started ({@code peer} describes them). */
    void downloadStarted(String name, String peer, long size, int sources);

    /** Bytes received so far (a few times a second at most). */
    void downloadProgress(String name, long received, long size, long elapsedNanos);

    /** The file is complete, as {@code file}: the name asked for, or a numbered copy beside an existing file. */
    void downloadFinished(String name, String peer, long size, long elapsedNanos, Path file);

    /**
     * As {@link #downloadFinished(String, String, long, long, Path)}, checked against
     * {@code sha256} (null: not checked, {@code notVerified} says why).
     */
    void downloadFinished(String name, String peer, long size, long elapsedNanos, Path file, String sha256,
                          String notVerified);

    /** What arrived from {@code peer} is not what it announced; the request tries another peer if {@code retrying}. */
    void digestMismatch(String name, String peer, String expected, String actual, String what, boolean retrying);

    /** The request or download failed; no partial file is left. */
    void downloadFailed(String name, String reason);

    /** A peer's upload request was served in full. */
    void uploadFinished(String name, String peer, long size, long elapsedNanos);

    /** An upload ended before the file was sent. */
    void uploadFailed(String name, String peer, String reason);

    /** Something worth a person's attention that is no failure of a transfer. */
    void warning(String message);
}
