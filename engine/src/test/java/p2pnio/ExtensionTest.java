package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;

/**
 * The extension's foundation (docs/protocol.md, "Extensions (p2pnio/1)"): our nodes announce
 * themselves in DISCOVER, recognise each other as extended within one round trip, record each
 * other's version, capabilities and instance id, and notice a restart; discovery is transitive
 * through a reference node.
 */
class ExtensionTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void twoOfOurNodesRecogniseEachOtherWithinOneRoundTrip() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            // one long period: the only discovery round is the first one, B's DISCOVER to A
            Node a = cluster.start("a", x -> x.period(Duration.ofHours(1)));
            Node b = cluster.start("b", x -> x.period(Duration.ofHours(1)).addPeer(a.address()));
            await(() -> info(a, b.address()).map(p -> !p.instance().isEmpty()).orElse(false)
                    && info(b, a.address()).map(p -> !p.instance().isEmpty()).orElse(false));

            NodeEvent.PeerInfo bSeenByA = info(a, b.address()).orElseThrow();
            NodeEvent.PeerInfo aSeenByB = info(b, a.address()).orElseThrow();
            assertThat(bSeenByA.protocol()).isEqualTo("p2pnio/1");
            assertThat(aSeenByB.protocol()).isEqualTo("p2pnio/1");
            assertThat(bSeenByA.instance()).isNotEqualTo(aSeenByB.instance());
            // A answers B's self-announcing DISCOVER at once (HELLO and a PING to pull B's news); B,
            // recognising A by that HELLO, does the same; each answers the other's PING. Nothing more.
            awaitOut(a, 3);
            awaitOut(b, 4);
            Thread.sleep(200);
            assertThat(a.stats().get(5, TimeUnit.SECONDS).datagramsOut()).isEqualTo(3);
            assertThat(b.stats().get(5, TimeUnit.SECONDS).datagramsOut()).isEqualTo(4);
        }
    }

    @Test
    void aRestartedNodeIsRecognisedByItsNewInstanceId() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", x -> x.period(Duration.ofHours(1)));
            Node b = cluster.start("b", x -> x.period(Duration.ofHours(1)).addPeer(a.address()));
            await(() -> info(b, a.address()).map(p -> !p.instance().isEmpty()).orElse(false));
            String before = info(b, a.address()).orElseThrow().instance();

            int port = a.controlAddress().getPort();
            a.close();
            // the same node again, on the same port (free a moment ago), knowing B
            Node again = cluster.start("a", x -> x.port(port).period(Duration.ofHours(1)).addPeer(b.address()));
            b.post(new Command.DiscoverNow());
            NodeEvent.PeerRestarted restarted = cluster.events(b).await(NodeEvent.PeerRestarted.class,
                    e -> e.address().equals(again.address()), WAIT);
            assertThat(restarted.instance()).isNotEqualTo(before);
            assertThat(info(b, again.address()).orElseThrow().instance()).isEqualTo(restarted.instance());
            await(() -> info(again, b.address()).map(p -> !p.instance().isEmpty()).orElse(false));
        }
    }

    @Test
    void discoveryIsTransitiveThroughAReferenceNode() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        try (TestCluster cluster = new TestCluster(tmp)) {
            // X knows only the reference node Y; Y knows only Z; Z knows nobody.
            Node z = cluster.start("z", b -> b);
            try (ReferencePeer y = new ReferencePeer(refFolder, 0, Duration.ofMillis(200), List.of(z.address()))) {
                Node x = cluster.start("x", b -> b.addPeer(y.address()));
                await(() -> info(z, x.address()).isPresent() && info(x, z.address()).isPresent());
                assertThat(y.cluster()).contains(x.address(), z.address());
                // and, once they have written to each other, X and Z know each other as ours
                await(() -> info(z, x.address()).map(p -> p.protocol().equals("p2pnio/1")).orElse(false)
                        && info(x, z.address()).map(p -> p.protocol().equals("p2pnio/1")).orElse(false));
                // Y never received anything but the reference's own message types
                assertThat(y.datagrams()).allMatch(d -> d.startsWith("DISCOVER,"));
            }
        }
    }

    private static void awaitOut(Node n, long count) throws InterruptedException {
        await(() -> {
            try {
                return n.stats().get(5, TimeUnit.SECONDS).datagramsOut() >= count;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aReferenceNodeAmongOursIsSentPlainDiscoversUntilItKnowsEveryone() throws Exception {
        try (ReferencePeer ref = new ReferencePeer(Files.createDirectories(tmp.resolve("ref")), 0,
                Duration.ofMillis(100), List.of());
             TestCluster cluster = new TestCluster(tmp)) {
            List<String> ours = new java.util.ArrayList<>();
            Node first = cluster.start("n0", b -> b.fanout(1).addPeer(ref.address()));
            ours.add(first.address());
            for (int i = 1; i < 6; i++) {
                String seed = ours.get(i - 1);
                ours.add(cluster.start("n" + i, b -> b.fanout(1).addPeer(seed)).address());
            }
            // only n0 knows it at first; gossip tells the others of it, and they write to it in turn
            await(() -> ref.cluster().containsAll(ours));
            assertThat(ref.datagrams()).allMatch(d -> d.startsWith("DISCOVER,"));
        }
    }

    @Test
    void boundToTheWildcardANodeAnnouncesItsAddressOnThePeersNetwork() throws Exception {
        try (ReferencePeer ref = new ReferencePeer(Files.createDirectories(tmp.resolve("ref")));
             TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b.host("0.0.0.0").period(Duration.ofHours(1)).addPeer(ref.address()));
            await(() -> !ref.transcript().isEmpty());
            // never 0.0.0.0:<port>, which no peer can reach: loopback to a loopback peer
            assertThat(ref.transcript().get(0)).isEqualTo("udp <- DISCOVER,127.0.0.1:" + ours.controlAddress().getPort()
                    + "," + ref.address() + "\n");
        }
    }

    static Optional<NodeEvent.PeerInfo> info(Node node, String peer) {
        try {
            return node.peers().get(5, TimeUnit.SECONDS).stream().filter(p -> p.address().equals(peer)).findFirst();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void await(Poll.Condition done) {
        Poll.until(WAIT, "condition met", done);
    }
}
