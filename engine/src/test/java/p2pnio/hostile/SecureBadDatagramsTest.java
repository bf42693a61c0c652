package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.TestCluster;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Seal;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.DropReason;

/**
 * {@link BadDatagramsTest}'s hostile datagrams against a node in secure mode (issue 15): sealed by
 * a member (it holds the cluster's secret), each is dropped and counted under the same reason as
 * in plain mode, once the seal opens; sent unsealed, as a stranger would, each is dropped under
 * an {@code AUTH_} reason before anything reads it. After every case a member still downloads a
 * file from the node over TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureBadDatagramsTest {

    /** The nodes' maxDatagramBytes (the default): a sealed datagram must fit in it whole. */
    private static final int MAX_DATAGRAM_BYTES = 2048;

    private TestCluster nodes;
    private Node node;
    private Node fetcher;
    private Seal member;
    private DatagramSocket attacker;

    @BeforeAll
    void aSecureServingNodeAMemberFetcherAndAnAttacker(@TempDir Path tmp) throws IOException {
        Path secret = tmp.resolve("keys/cluster.secret");
        ClusterSecret.create(secret, false);
        nodes = new TestCluster(tmp.resolve("folders"));
        node = nodes.start("server", b -> b.secret(secret).identity(tmp.resolve("keys/server.pem"))
                .delay(Duration.ZERO).period(Duration.ofHours(1)));
        Folders.randomFile(TestCluster.folder(node), "hello.bin", 20_000);
        fetcher = nodes.start("fetcher", b -> b.secret(secret).identity(tmp.resolve("keys/fetcher.pem"))
                .delay(Duration.ZERO).period(Duration.ofHours(1)).addPeer(node.address()));
        member = new Seal(ClusterSecret.read(secret), NodeIdentity.generate().fingerprint(), to -> false,
                System::currentTimeMillis, Duration.ofSeconds(30));
        attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    void stop() {
        attacker.close();
        nodes.close();
    }

    static Stream<Arguments> hostileDatagrams() {
        return BadDatagramsTest.hostileDatagrams();
    }

    @ParameterizedTest(name = "sealed by a member: {0}")
    @MethodSource("hostileDatagrams")
    void aMembersHostileDatagramIsDroppedForTheSameReasonAsInPlainMode(
            String what, List<byte[]> datagrams, Map<DropReason, Long> plainDrops) throws Exception {
        NodeStats before = Poll.stats(node);
        boolean tooLarge = false;
        for (byte[] d : datagrams) {
            byte[] sealed = SecureClusterTest.bytes(member.seal(node.controlAddress(), d));
            tooLarge |= sealed.length > MAX_DATAGRAM_BYTES;
            attacker.send(new DatagramPacket(sealed, sealed.length, node.controlAddress()));
        }
        // Sealing adds its bytes: a datagram the seal takes past the limit cannot be read whole, so cannot be opened.
        Map<DropReason, Long> expected = tooLarge ? Map.of(DropReason.TOO_LARGE, 1L) : plainDrops;
        NodeStats after = Poll.datagramsIn(node, before.datagramsIn() + datagrams.size());
        assertThat(BadDatagramsTest.drops(before, after)).as(what).isEqualTo(expected);
        aMemberStillDownloads();
    }

    @ParameterizedTest(name = "unsealed: {0}")
    @MethodSource("hostileDatagrams")
    void aStrangersHostileDatagramIsDroppedAsUnauthenticated(
            String what, List<byte[]> datagrams, Map<DropReason, Long> plainDrops) throws Exception {
        NodeStats before = Poll.stats(node);
        for (byte[] d : datagrams) {
            attacker.send(new DatagramPacket(d, d.length, node.controlAddress()));
        }
        NodeStats after = Poll.datagramsIn(node, before.datagramsIn() + datagrams.size());
        Map<DropReason, Long> drops = BadDatagramsTest.drops(before, after);
        assertThat(drops.values().stream().mapToLong(Long::longValue).sum()).as("one drop per datagram: %s", drops)
                .isEqualTo(datagrams.size());
        assertThat(drops.keySet()).as(what).allSatisfy(r -> assertThat(r.name()).startsWith("AUTH_"));
        aMemberStillDownloads();
    }

    private void aMemberStillDownloads() throws Exception {
        Path got = TestCluster.folder(fetcher).resolve("hello.bin");
        p2pnio.Recorder events = nodes.events(fetcher);
        int before = events.all(NodeEvent.DownloadFinished.class).size();
        fetcher.post(new Command.Fetch("hello.bin"));
        Poll.until(Duration.ofSeconds(30), () -> events.all(NodeEvent.DownloadFinished.class).size()
                + events.all(NodeEvent.DownloadFailed.class).size() * 1000, n -> n > before);
        assertThat(events.all(NodeEvent.DownloadFailed.class)).isEmpty();
        assertThat(TestFiles.sha256(got)).isEqualTo(TestFiles.sha256(TestCluster.folder(node).resolve("hello.bin")));
        Files.delete(got);
    }
}
