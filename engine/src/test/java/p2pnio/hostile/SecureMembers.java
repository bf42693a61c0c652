package p2pnio.hostile;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Node;
import p2pnio.TestCluster;
import p2pnio.secure.ClusterSecret;

/**
 * What the secure-mode tests over real sockets share: a cluster secret, members started with it
 * (each with its identity file under {@code keys/}), and an attacker's UDP socket that may hold
 * the secret too (a member's powers, played by the test).
 */
abstract class SecureMembers {

    @TempDir
    Path tmp;
    TestCluster nodes;
    Path secret;
    DatagramSocket attacker;

    @BeforeEach
    void aClusterSecret() throws IOException {
        nodes = new TestCluster(tmp.resolve("folders"));
        secret = tmp.resolve("keys/cluster.secret");
        ClusterSecret.create(secret, false);
        attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        attacker.close();
        nodes.close();
    }

    Node member(String name, String... peers) throws IOException {
        return nodes.start(name, b -> b.secret(secret).identity(tmp.resolve("keys/" + name + ".pem"))
                .cluster(List.of(peers)));
    }

    /** Sends {@code datagram} from the attacker's socket to {@code to}'s control endpoint. */
    void send(byte[] datagram, Node to) throws IOException {
        attacker.send(new DatagramPacket(datagram, datagram.length, to.controlAddress()));
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
