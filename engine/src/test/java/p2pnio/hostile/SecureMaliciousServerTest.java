package p2pnio.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.NodeConfig;
import p2pnio.secure.ClusterSecret;

/**
 * Every case of {@link MaliciousServerTest} against a downloader in secure mode (issue 15): the
 * malicious server is a member (it holds the cluster's secret, and the sealed {@code File} it
 * answers with announces its own certificate, so the downloader's pin accepts it) and serves its
 * bad headers, short bodies, silences and stray names inside TLS; the honest peer is a member too.
 * Each broken reply fails the download for the same reason as in plain mode, is counted, leaves
 * no partial file (these answers carry no SHA-256, so no download here is resumable), and a
 * download from the honest member succeeds after it.
 */
class SecureMaliciousServerTest extends MaliciousServerTest {

    /** The cluster's secret and the nodes' identities: outside {@code tmp}, whose listing the cases check. */
    @TempDir
    Path keys;

    private ClusterSecret secret() throws IOException {
        Path file = keys.resolve("cluster.secret");
        if (!Files.exists(file)) {
            ClusterSecret.create(file, false);
        }
        return ClusterSecret.read(file);
    }

    @Override
    FakePeer evilPeer() throws IOException {
        return new FakePeer(secret());
    }

    @Override
    NodeConfig.Builder mode(String who, NodeConfig.Builder config) throws IOException {
        secret();
        return config.secret(keys.resolve("cluster.secret")).identity(keys.resolve(who + ".pem"));
    }
}
