package p2pnio.core;

import java.time.Duration;
import java.util.List;

/**
 * The settings the node's parts read, and nothing else: {@code p2pnio.NodeConfig} (which holds
 * every default and check) hands the parts this copy, so that they depend on it and never on the
 * public API package above them. Each component means what the {@code NodeConfig} method of the
 * same name documents, but {@code gossip}: true when {@code NodeConfig.membership()} is
 * {@code GOSSIP}, false for {@code ALL_TO_ALL} (the reference node's way); {@code verify}: the name of a
 * {@code NodeConfig.Verify}.
 */
public record Settings(List<String> cluster, Duration period, Duration waiting, Duration delay,
                       int maxClusterSize, int maxDatagramBytes, int maxRequestLineBytes,
                       Duration requestLineTimeout, Duration idleTimeout, Duration connectTimeout,
                       int maxUploads, int maxDownloads, int getAnswersPerPeerPerSecond,
                       int maxScheduledAnswers, int sendChunkBytes, int sendBytesPerTurn,
                       long maxUploadRate, long maxDownloadRate, int udpReceiveBufferBytes,
                       Duration getRetryInitial, boolean gossip, int fanout, int suspectAfter, int removeAfter,
                       int getFanout, String verify, int tasksPerTurn, int downloadStartsPerTurn,
                       int acceptsPerTurn, int datagramsPerTurn, Duration gather) {

    /** True if downloads are checked against an answer's SHA-256 at all. */
    public boolean verifies() {
        return !"OFF".equals(verify);
    }

    /** True if the check hashes the bytes as they arrive (else after the last byte). */
    public boolean verifiesWhileReceiving() {
        return "WHILE_RECEIVING".equals(verify);
    }
}
