package p2pnio;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link NodeMXBean} of one node: a snapshot of its stats, refreshed at most twice a second. */
final class NodeJmx implements NodeMXBean {

    private static final long REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Node node;
    private NodeStats last;
    private long lastAt;
    private ObjectName name;
    private boolean closed;

    NodeJmx(Node node) {
        this.node = node;
    }

    /** Registers with the platform MBean server (which a first use in this JVM starts: call it off the loop). */
    synchronized void register() throws JMException {
        if (closed) {
            return; // the node stopped before its turn to register came
        }
        name = new ObjectName("p2pnio:type=Node,name=" + ObjectName.quote(node.address()));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        server.registerMBean(this, name);
    }

    /** Unregisters, if registered, and never registers again. */
    synchronized void unregister() throws JMException {
        closed = true;
        if (name != null && ManagementFactory.getPlatformMBeanServer().isRegistered(name)) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
        name = null;
    }

    private synchronized NodeStats stats() {
        long now = System.nanoTime();
        if (last == null || now - lastAt > REFRESH_NANOS) {
            try {
                last = node.stats().get(200, TimeUnit.MILLISECONDS);
                lastAt = now;
            } catch (Exception e) {
                if (last == null) {
                    throw new IllegalStateException("no stats from the node yet: " + e, e); // paused or stopped
                }
            }
        }
        return last;
    }

    @Override
    public String getAddress() {
        return node.address();
    }

    @Override
    public boolean isPaused() {
        return node.isPaused();
    }

    @Override
    public long getDatagramsIn() {
        return stats().datagramsIn();
    }

    @Override
    public long getDatagramsOut() {
        return stats().datagramsOut();
    }

    @Override
    public long getDatagramsDropped() {
        return stats().droppedTotal();
    }

    @Override
    public long getBytesSent() {
        return stats().bytesSent();
    }

    @Override
    public long getBytesReceived() {
        return stats().bytesReceived();
    }

    @Override
    public int getUploadsOpen() {
        return stats().uploadsOpen();
    }

    @Override
    public int getDownloadsOpen() {
        return stats().downloadsOpen();
    }

    @Override
    public long getUploadsDone() {
        return stats().uploadsDone();
    }

    @Override
    public long getDownloadsDone() {
        return stats().downloadsDone();
    }

    @Override
    public long getUploadsFailed() {
        return stats().uploadsFailed();
    }

    @Override
    public long getDownloadsFailed() {
        return stats().downloadsFailed();
    }

    @Override
    public long getConnectionsRefused() {
        return stats().connectionsRefused();
    }

    @Override
    public long getLoopTurns() {
        return stats().loopTurns();
    }

    @Override
    public long getSelectorWakeups() {
        return stats().selectorWakeups();
    }

    @Override
    public double getBusyRatio() {
        NodeStats s = stats();
        double all = s.selectNanos() + s.handlerNanos();
        return all == 0 ? 0 : s.handlerNanos() / all;
    }

    @Override
    public long getTurnP50Nanos() {
        return stats().turnP50Nanos();
    }

    @Override
    public long getTurnP99Nanos() {
        return stats().turnP99Nanos();
    }

    @Override
    public long getTurnP999Nanos() {
        return stats().turnP999Nanos();
    }

    @Override
    public long getLongestTurnNanos() {
        return stats().longestTurnNanos();
    }

    @Override
    public String getLongestTurn() {
        return stats().longestTurn();
    }

    @Override
    public int getCommandsQueued() {
        return stats().commandsQueued();
    }

    @Override
    public int getTimersPending() {
        return stats().timersPending();
    }

    @Override
    public int getPeers() {
        return stats().peers();
    }

    @Override
    public int getSharedFiles() {
        return stats().sharedFiles();
    }

    @Override
    public long getQuietErrors() {
        return stats().quietErrors();
    }
}
