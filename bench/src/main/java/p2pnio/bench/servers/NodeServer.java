package p2pnio.bench.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeListener;

/**
 * Our node as a contender: one {@link Node} serving the folder, with its protection limits raised
 * so that a benchmark's load is served, not refused (uploads at once, request-line deadline for
 * the held connections of the scale benchmark), and discovery quiet.
 */
public final class NodeServer implements FileServer {

    private final Node node;

    /** Starts a node on 127.0.0.1 (UDP and TCP ports picked free) and waits until it indexed the folder. */
    public NodeServer(Path folder, int expectedFiles) {
        this(config(folder).build(), expectedFiles, NodeListener.ignoring());
    }

    /** Starts a node with {@code config}; see {@link #config}. */
    public NodeServer(NodeConfig config, int expectedFiles, NodeListener listener) {
        try {
            node = Node.start(config, listener);
            awaitIndex(expectedFiles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The benchmark configuration: limits raised, quiet discovery, immediate answers. */
    public static NodeConfig.Builder config(Path folder) {
        return NodeConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .folder(folder)
                .period(Duration.ofHours(1))
                .delay(Duration.ZERO)
                .maxUploads(30_000)
                .maxDownloads(30_000)
                .requestLineTimeout(Duration.ofHours(1))
                .idleTimeout(Duration.ofMinutes(5))
                .getAnswersPerPeerPerSecond(1_000_000_000)
                .maxScheduledAnswers(1_000_000);
    }

    private void awaitIndex(int expectedFiles) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (node.stats().get(10, TimeUnit.SECONDS).sharedFiles() < expectedFiles) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the node did not index " + expectedFiles + " files in 60 s");
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            close();
            throw new IllegalStateException("node did not become ready: " + e, e);
        }
    }

    /** The node itself. */
    public Node node() {
        return node;
    }

    @Override
    public InetSocketAddress address() {
        return node.transferAddress();
    }

    @Override
    public int connections() {
        try {
            return node.stats().get(10, TimeUnit.SECONDS).uploadsOpen();
        } catch (Exception e) {
            throw new IllegalStateException("the node did not answer for its stats: " + e, e);
        }
    }

    @Override
    public void close() {
        node.close();
    }
}
