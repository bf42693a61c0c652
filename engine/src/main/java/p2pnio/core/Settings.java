package p2pnio.core;

import java.time.Duration;
import java.util.List;

/**
 * The settings the node's parts read, and nothing else: {@code p2pnio.NodeConfig} implements it
 * (with every default and check), so that the parts depend on this small view of it and never on
 * the public API package above them. Each method means what the {@code NodeConfig} method of the
 * same name documents.
 */
public interface Settings {
    List<String> cluster();

    Duration period();

    Duration waiting();

    Duration delay();

    int maxClusterSize();

    int maxDatagramBytes();

    int maxRequestLineBytes();

    Duration requestLineTimeout();

    Duration idleTimeout();

    Duration connectTimeout();

    int maxUploads();

    int maxDownloads();

    int getAnswersPerPeerPerSecond();

    int maxScheduledAnswers();

    int sendChunkBytes();

    int sendBytesPerTurn();

    long maxUploadRate();

    long maxDownloadRate();

    int udpReceiveBufferBytes();

    Duration getRetryInitial();
}
