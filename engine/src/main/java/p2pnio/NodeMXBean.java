package p2pnio;

/**
 * A running node's counters as a JMX MXBean, so that JConsole, VisualVM or any JMX client shows
 * them live: registered as {@code p2pnio:type=Node,name="<host:port>"} while the node runs (unless
 * {@link NodeConfig.Builder#jmx(boolean) jmx(false)}). Every attribute is read from one snapshot
 * of {@link NodeStats} taken on the loop at most twice a second; while the node is paused (step
 * mode) the last snapshot is shown. Reading costs the loop one query; not reading costs nothing.
 */
public interface NodeMXBean {
    /** The node's address, {@code host:port} of its control endpoint. */
    String getAddress();

    /** True while the loop is paused (step mode). */
    boolean isPaused();

    long getDatagramsIn();

    long getDatagramsOut();

    /** Datagrams (or entries of one) dropped, all reasons together. */
    long getDatagramsDropped();

    long getBytesSent();

    long getBytesReceived();

    int getUploadsOpen();

    int getDownloadsOpen();

    long getUploadsDone();

    long getDownloadsDone();

    long getUploadsFailed();

    long getDownloadsFailed();

    long getConnectionsRefused();

    long getLoopTurns();

    long getSelectorWakeups();

    /** Share of the time the loop worked (outside select), 0 to 1. */
    double getBusyRatio();

    long getTurnP50Nanos();

    long getTurnP99Nanos();

    long getTurnP999Nanos();

    long getLongestTurnNanos();

    /** What ran in the longest turn. */
    String getLongestTurn();

    int getCommandsQueued();

    int getTimersPending();

    int getPeers();

    int getSharedFiles();

    long getQuietErrors();
}
