package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.control.LocalAddresses;
import p2pnio.wire.DropReason;

/**
 * Addresses that are never peers (SECURITY.md, "Addresses that are never peers"): this node under
 * another spelling, unspecified, broadcast and multicast addresses. A {@code DISCOVER} listing one
 * leaves the cluster list as it was and counts the entry under its reason, so the node never
 * sends to itself nor passes its own address on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotPeersTest {

    private Node node;
    private Node wildcard;
    private DatagramSocket sender;

    @BeforeAll
    void nodesOnLoopbackAndOnTheWildcard(@TempDir Path tmp) throws Exception {
        node = Node.start(NodeConfig.builder().host("127.0.0.1").port(0)
                .folder(Files.createDirectories(tmp.resolve("n"))).period(Duration.ofHours(1)).build(), e -> { });
        wildcard = Node.start(NodeConfig.builder().host("0.0.0.0").port(0)
                .folder(Files.createDirectories(tmp.resolve("w"))).period(Duration.ofHours(1)).build(), e -> { });
        sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    void stop() {
        sender.close();
        node.close();
        wildcard.close();
    }

    static Stream<Arguments> notPeersOfANodeBoundTo127001() {
        return Stream.of(
                Arguments.of("localhost, our own port", (IntFunction<String>) p -> "localhost:" + p, DropReason.PEER_IS_SELF),
                Arguments.of("IPv4-mapped IPv6 of our address", (IntFunction<String>) p -> "[::ffff:127.0.0.1]:" + p, DropReason.PEER_IS_SELF),
                Arguments.of("IPv6 loopback, our own port", (IntFunction<String>) p -> "[::1]:" + p, DropReason.PEER_IS_SELF),
                Arguments.of("another loopback address, our own port", (IntFunction<String>) p -> "127.0.0.2:" + p, DropReason.PEER_IS_SELF),
                Arguments.of("0.0.0.0, our own port", (IntFunction<String>) p -> "0.0.0.0:" + p, DropReason.PEER_UNSPECIFIED),
                Arguments.of("0.0.0.0, another port", (IntFunction<String>) p -> "0.0.0.0:9", DropReason.PEER_UNSPECIFIED),
                Arguments.of("[::], our own port", (IntFunction<String>) p -> "[::]:" + p, DropReason.PEER_UNSPECIFIED),
                Arguments.of("limited broadcast", (IntFunction<String>) p -> "255.255.255.255:" + p, DropReason.PEER_BROADCAST),
                Arguments.of("IPv4 multicast", (IntFunction<String>) p -> "224.0.0.1:" + p, DropReason.PEER_MULTICAST),
                Arguments.of("IPv6 multicast", (IntFunction<String>) p -> "[ff02::1]:9", DropReason.PEER_MULTICAST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPeersOfANodeBoundTo127001")
    void anAddressThatIsNoPeerIsDroppedAndCounted(String what, IntFunction<String> entry, DropReason reason) throws Exception {
        refused(node, entry.apply(node.controlAddress().getPort()), reason);
    }

    @Test
    void aNameThatResolvesToUsIsRefusedAtOnceTheNextTime() throws Exception {
        String self = "localhost:" + node.controlAddress().getPort();
        refused(node, self, DropReason.PEER_IS_SELF);
        long before = Poll.dropped(node, DropReason.PEER_IS_SELF);
        send(node, "DISCOVER," + self + "\n");
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(node, DropReason.PEER_IS_SELF), n -> n == before + 1);
        assertThat(peers(node)).doesNotContain(self);
    }

    @Test
    void ourOwnExactAddressIsSkippedSilentlyAsTheProtocolSays() throws Exception {
        long dropsBefore = Poll.stats(node).droppedTotal();
        long in = Poll.stats(node).datagramsIn();
        send(node, "DISCOVER," + node.address() + "\n");
        Poll.datagramsIn(node, in + 1);
        assertThat(Poll.stats(node).droppedTotal()).isEqualTo(dropsBefore);
        assertThat(peers(node)).doesNotContain(node.address());
    }

    @Test
    void aLocalNetworksBroadcastAddressIsNoPeer() throws Exception {
        InetAddress broadcast = LocalAddresses.read().stream()
                .map(LocalAddresses.Entry::broadcast).filter(b -> b != null).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(broadcast != null, "this host has no IPv4 network with a broadcast address");
        refused(node, broadcast.getHostAddress() + ":1378", DropReason.PEER_BROADCAST);
    }

    @Test
    void boundToTheWildcardEveryLocalAddressWithOurPortIsUs() throws Exception {
        int port = wildcard.controlAddress().getPort();
        refused(wildcard, "127.0.0.1:" + port, DropReason.PEER_IS_SELF);
        InetAddress other = LocalAddresses.read().stream().map(LocalAddresses.Entry::address)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst().orElse(null);
        if (other != null) {
            refused(wildcard, other.getHostAddress() + ":" + port, DropReason.PEER_IS_SELF);
        }
        // another port on the same host is another node, and a peer
        String neighbour = "127.0.0.1:" + (port == 65535 ? port - 1 : port + 1);
        send(wildcard, "DISCOVER," + neighbour + "\n");
        Poll.until(Duration.ofSeconds(10), () -> peers(wildcard), l -> l.contains(neighbour));
    }

    @Test
    void aNodeThatWasToldItsOwnSpellingsNeverSendsToItself() throws Exception {
        int port = node.controlAddress().getPort();
        send(node, "DISCOVER,localhost:" + port + ",0.0.0.0:" + port + ",[::ffff:127.0.0.1]:" + port + "\n");
        Poll.until(Duration.ofSeconds(10), () -> Poll.stats(node).datagramsIn(), n -> n > 0);
        long in = Poll.stats(node).datagramsIn();
        node.post(new Command.DiscoverNow());
        Thread.sleep(300); // a round that sent to itself would arrive within this
        assertThat(Poll.stats(node).datagramsIn()).isEqualTo(in);
    }

    private void refused(Node n, String entry, DropReason reason) throws Exception {
        long before = Poll.dropped(n, reason);
        send(n, "DISCOVER," + entry + "\n");
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(n, reason), c -> c >= before + 1);
        assertThat(peers(n)).doesNotContain(entry);
    }

    private void send(Node n, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), n.controlAddress().getPort());
        sender.send(new DatagramPacket(b, b.length, to));
    }

    private static List<String> peers(Node n) {
        try {
            return n.peers().get(10, TimeUnit.SECONDS).stream().map(NodeEvent.PeerInfo::address).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
