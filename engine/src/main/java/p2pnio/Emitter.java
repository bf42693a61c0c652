package p2pnio;

import java.nio.file.Path;
import java.util.function.Consumer;
import p2pnio.core.Events;

/** Turns what the node's parts report into the public {@link NodeEvent}s, for the listener's thread. */
final class Emitter implements Events {

    private final Consumer<NodeEvent> out;

    Emitter(Consumer<NodeEvent> out) {
        this.out = out;
    }

    /** Hands any event to the listener's thread; never waits. */
    void emit(NodeEvent event) {
        out.accept(event);
    }

    @Override
    public void peerJoined(String address, String via) {
        emit(new NodeEvent.PeerJoined(address, via));
    }

    @Override
    public void peerRestarted(String address, String instance) {
        emit(new NodeEvent.PeerRestarted(address, instance));
    }

    @Override
    public void peerLiveness(String address, String state) {
        emit(new NodeEvent.PeerLiveness(address, state));
    }

    @Override
    public void requestSent(String name, int peers, int attempt) {
        emit(new NodeEvent.RequestSent(name, peers, attempt));
    }

    @Override
    public void requestAnswered(String name, String peer, int tcpPort) {
        emit(new NodeEvent.RequestAnswered(name, peer, tcpPort));
    }

    @Override
    public void requestRetrying(String name, String peer, String what, long retryInNanos) {
        emit(new NodeEvent.RequestRetrying(name, peer, what, retryInNanos));
    }

    @Override
    public void downloadStarted(String name, String peer, long size) {
        emit(new NodeEvent.DownloadStarted(name, peer, size));
    }

    @Override
    public void downloadStarted(String name, String peer, long size, int sources) {
        emit(new NodeEvent.DownloadStarted(name, peer, size, sources));
    }

    @Override
    public void downloadProgress(String name, long received, long size, long elapsedNanos) {
        emit(new NodeEvent.DownloadProgress(name, received, size, elapsedNanos));
    }

    @Override
    public void downloadFinished(String name, String peer, long size, long elapsedNanos, Path file) {
        emit(new NodeEvent.DownloadFinished(name, peer, size, elapsedNanos, file));
    }

    @Override
    public void downloadFinished(String name, String peer, long size, long elapsedNanos, Path file, String sha256,
                                 String notVerified) {
        emit(new NodeEvent.DownloadFinished(name, peer, size, elapsedNanos, file, sha256, notVerified));
    }

    @Override
    public void digestMismatch(String name, String peer, String expected, String actual, String what,
                               boolean retrying) {
        emit(new NodeEvent.DigestMismatch(name, peer, expected, actual, what, retrying));
    }

    @Override
    public void downloadFailed(String name, String reason) {
        emit(new NodeEvent.DownloadFailed(name, reason));
    }

    @Override
    public void uploadFinished(String name, String peer, long size, long elapsedNanos) {
        emit(new NodeEvent.UploadFinished(name, peer, size, elapsedNanos));
    }

    @Override
    public void uploadFailed(String name, String peer, String reason) {
        emit(new NodeEvent.UploadFailed(name, peer, reason));
    }

    @Override
    public void warning(String message) {
        emit(new NodeEvent.Warning(message));
    }
}
