package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;

/**
 * Liveness on real sockets (issue 13): a peer not heard for {@code suspectAfter} periods is
 * suspect, after {@code removeAfter} more it is removed and no longer gossiped; a configured peer
 * is kept, shown down, retried, and alive again when it comes back; {@code list} shows the state.
 */
class LivenessTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final UnaryOperator<NodeConfig.Builder> FAST =
            b -> b.period(Duration.ofMillis(100)).suspectAfter(2).removeAfter(2);

    @TempDir
    Path tmp;

    @Test
    void aKilledNodeIsSuspectThenRemovedAndNoLongerListed() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", FAST);
            Node b = cluster.start("b", x -> FAST.apply(x).addPeer(a.address()));
            Node c = cluster.start("c", x -> FAST.apply(x).addPeer(b.address()));
            awaitKnows(a, c.address());
            awaitKnows(b, c.address());
            String gone = c.address();
            c.close();
            cluster.events(a).await(NodeEvent.PeerLiveness.class, e -> e.address().equals(gone) && e.state().equals("suspect"), WAIT);
            cluster.events(a).await(NodeEvent.PeerLiveness.class, e -> e.address().equals(gone) && e.state().equals("removed"), WAIT);
            cluster.events(b).await(NodeEvent.PeerLiveness.class, e -> e.address().equals(gone) && e.state().equals("removed"), WAIT);
            assertThat(addresses(a)).doesNotContain(gone).contains(b.address());
            // b and a stay alive to each other all along
            assertThat(cluster.events(a).all(NodeEvent.PeerLiveness.class))
                    .noneMatch(e -> e.address().equals(b.address()) && !e.state().equals("alive"));
        }
    }

    @Test
    void aConfiguredPeerThatDiesIsShownDownRetriedAndAliveAgainWhenItComesBack() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", FAST);
            Node b = cluster.start("b", x -> FAST.apply(x).addPeer(a.address()));
            awaitKnows(a, b.address());
            int port = a.controlAddress().getPort();
            String address = a.address();
            a.close();
            cluster.events(b).await(NodeEvent.PeerLiveness.class, e -> e.address().equals(address) && e.state().equals("down"), WAIT);
            NodeEvent.PeerInfo shown = b.peers().get(5, TimeUnit.SECONDS).stream()
                    .filter(p -> p.address().equals(address)).findFirst().orElseThrow();
            assertThat(shown.state()).isEqualTo("down");
            assertThat(shown.via()).isEqualTo("configured");

            cluster.start("a", x -> FAST.apply(x).port(port));
            cluster.events(b).await(NodeEvent.PeerLiveness.class, e -> e.address().equals(address) && e.state().equals("alive"), WAIT);
            assertThat(b.peers().get(5, TimeUnit.SECONDS)).anyMatch(p -> p.address().equals(address) && p.state().equals("alive"));
        }
    }

    @Test
    void aReferenceStylePeerThatFallsSilentIsRemovedAndOneThatSpeaksStays() throws Exception {
        // the quiet one's first round goes to its empty list and its next is an hour away: it never sends
        try (TestCluster cluster = new TestCluster(tmp);
             ReferencePeer quiet = new ReferencePeer(Files.createDirectories(tmp.resolve("q")), 0,
                     Duration.ofHours(1), List.of())) {
            Node ours = cluster.start("ours", FAST);
            try (ReferencePeer talking = new ReferencePeer(Files.createDirectories(tmp.resolve("t")), 0,
                    Duration.ofMillis(100), List.of(ours.address()))) {
                awaitKnows(ours, talking.address());
                ours.post(new Command.AddPeer(quiet.address()));
                // the quiet one never sends anything: not even a configured peer stays alive without a sign of life
                cluster.events(ours).await(NodeEvent.PeerLiveness.class,
                        e -> e.address().equals(quiet.address()) && e.state().equals("down"), WAIT);
                Thread.sleep(1000); // ten periods
                assertThat(ours.peers().get(5, TimeUnit.SECONDS))
                        .anyMatch(p -> p.address().equals(talking.address()) && p.state().equals("alive"));
                assertThat(cluster.events(ours).all(NodeEvent.PeerLiveness.class))
                        .noneMatch(e -> e.address().equals(talking.address()));
            }
        }
    }

    private static List<String> addresses(Node n) throws Exception {
        return n.peers().get(5, TimeUnit.SECONDS).stream().map(NodeEvent.PeerInfo::address).toList();
    }

    private static void awaitKnows(Node n, String peer) {
        Poll.until(WAIT, n.address() + " learns " + peer, () -> addresses(n).contains(peer));
    }
}
