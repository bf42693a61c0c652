package p2pnio;

import java.io.IOException;
import java.nio.file.Path;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.NodeIdentity;

/**
 * The files of secure mode, for front ends: making a cluster's secret ({@code p2p keygen}) and
 * reading a node's fingerprint. A node is put in secure mode by {@link NodeConfig.Builder#secret}.
 */
public final class SecureCluster {

    private SecureCluster() {
    }

    /**
     * Writes a new cluster secret (32 random bytes as 64 hex digits, mode 0600) to {@code file},
     * creating its folder (0700) if missing. Returns false, leaving the file alone, if it exists and
     * {@code replace} is false.
     */
    public static boolean keygen(Path file, boolean replace) throws IOException {
        return ClusterSecret.create(file, replace);
    }

    /**
     * Checks that {@code file} holds a cluster secret only its owner can read.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static void checkSecret(Path file) {
        ClusterSecret.read(file);
    }

    /**
     * The SHA-256 fingerprint (64 hex digits) of the node identity kept in {@code file}, made there
     * first if it does not exist: what peers know the node by.
     */
    public static String fingerprint(Path identityFile) throws IOException {
        return NodeIdentity.loadOrCreate(identityFile).fingerprint().hex();
    }
}
