package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;

/**
 * Matching answers to requests when several wait at once (the README's old "one thing the
 * protocol cannot tell apart"). Between our nodes an answer names its file (issue 11), so it goes
 * to its own request, whatever the order. A plain answer (a reference-style peer) names nothing:
 * it goes to the oldest request that asked its sender, and when that peer then closes without a
 * header (it has no such file), the answer moves on to the next request that asked it.
 */
class MismatchedAnswerTest {

    @Test
    void betweenOurNodesEveryAnswerGoesToItsOwnRequest(@TempDir Path tmp) throws Exception {
        Path slowFolder = Files.createDirectories(tmp.resolve("slow"));
        Path fastFolder = Files.createDirectories(tmp.resolve("fast"));
        Path thirdFolder = Files.createDirectories(tmp.resolve("third"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Folders.randomFile(slowFolder, "a.bin", 30_000);
        Folders.randomFile(fastFolder, "b.bin", 40_000);
        Folders.randomFile(thirdFolder, "c.bin", 50_000);
        Recorder events = new Recorder();
        TestClock clock = new TestClock(); // the slow peer's 2 s delay and our retries follow it
        try (Node slow = clock.start(NodeConfig.builder().port(0).folder(slowFolder).delay(Duration.ofSeconds(2))
                     .build(), e -> { });
             Node fast = Node.start(NodeConfig.builder().port(0).folder(fastFolder).delay(Duration.ZERO).build(),
                     e -> { });
             Node third = Node.start(NodeConfig.builder().port(0).folder(thirdFolder).delay(Duration.ZERO).build(),
                     e -> { });
             Node node = clock.start(NodeConfig.builder().port(0).folder(mine).waiting(Duration.ofSeconds(20))
                     .addPeer(slow.address()).addPeer(fast.address()).addPeer(third.address()).build(), events)) {
            awaitExtended(node, List.of(slow.address(), fast.address(), third.address()));
            node.post(new Command.Fetch("a.bin")); // the oldest request: only the slow peer has it
            events.await(NodeEvent.RequestSent.class, r -> r.name().equals("a.bin"), Duration.ofSeconds(5));
            node.post(new Command.Fetch("b.bin")); // the fast peer answers at once, naming b.bin
            node.post(new Command.Fetch("c.bin")); // the third too, naming c.bin
            for (String name : List.of("b.bin", "c.bin")) {
                NodeEvent outcome = clock.outcomeWhileMoving(events, name, Duration.ofSeconds(20));
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(((NodeEvent.DownloadFinished) outcome).verified()).isTrue();
            }
            assertThat(events.all(NodeEvent.RequestAnswered.class)).as("no answer went to another request")
                    .allSatisfy(r -> assertThat(r.peer()).isEqualTo(r.name().equals("b.bin") ? fast.address()
                            : r.name().equals("c.bin") ? third.address() : slow.address()));
            assertThat(events.all(NodeEvent.RequestRetrying.class)).isEmpty();
            clock.advance(Duration.ofSeconds(2)); // the slow peer's delay is over: its File comes, for a.bin
            NodeEvent a = clock.outcomeWhileMoving(events, "a.bin", Duration.ofSeconds(20));
            assertThat(a).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) a).peer()).isEqualTo(slow.address());
            assertThat(((NodeEvent.DownloadFinished) a).sha256()).isEqualTo(TestFiles.sha256(slowFolder.resolve("a.bin")));
            assertThat(TestFiles.sha256(mine.resolve("b.bin"))).isEqualTo(TestFiles.sha256(fastFolder.resolve("b.bin")));
            assertThat(TestFiles.sha256(mine.resolve("c.bin"))).isEqualTo(TestFiles.sha256(thirdFolder.resolve("c.bin")));
            assertThat(Poll.stats(node).downloadsFailed()).isZero();
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void aPlainAnswerWhosePeerClosesWithoutAHeaderMovesOnToTheNextRequest(@TempDir Path tmp) throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Folders.randomFile(refFolder, "b.bin", 40_000);
        Recorder events = new Recorder();
        TestClock clock = new TestClock(); // our retries wait for it: only the hand-over can fetch b.bin
        try (ReferencePeer ref = new ReferencePeer(refFolder);
             Node node = clock.start(NodeConfig.builder().port(0).folder(mine).waiting(Duration.ofSeconds(20))
                     .addPeer(ref.address()).build(), events)) {
            node.post(new Command.Fetch("a.bin")); // nobody has it: it waits, the oldest request
            events.await(NodeEvent.RequestSent.class, r -> r.name().equals("a.bin"), Duration.ofSeconds(5));
            node.post(new Command.Fetch("b.bin")); // the reference peer answers File,1,<port>: no name
            // matched to a.bin, the oldest request that asked it; it has no a.bin and closes...
            events.await(NodeEvent.RequestRetrying.class, r -> r.name().equals("a.bin")
                    && r.what().contains("closed the connection without sending a header"), Duration.ofSeconds(5));
            // ...and the answer moves on to b.bin, without waiting for b.bin's own retry
            NodeEvent b = events.awaitOutcome("b.bin", Duration.ofSeconds(10));
            assertThat(b).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) b).verified()).isFalse();
            assertThat(((NodeEvent.DownloadFinished) b).notVerified()).isEqualTo(NodeEvent.DownloadFinished.PLAIN_PEER);
            assertThat(TestFiles.sha256(mine.resolve("b.bin"))).isEqualTo(TestFiles.sha256(refFolder.resolve("b.bin")));
            // the reference peer saw only the plain protocol
            assertThat(ref.datagrams()).filteredOn(d -> d.startsWith("Get,")).containsOnly("Get,a.bin", "Get,b.bin");
            node.post(new Command.Cancel("a.bin"));
            events.awaitOutcome("a.bin", Duration.ofSeconds(5));
            Folders.assertNoPartialFile(mine);
        }
    }

    static void awaitExtended(Node node, List<String> peers) {
        Poll.until(Duration.ofSeconds(20), () -> {
            try {
                return node.peers().get(5, TimeUnit.SECONDS).stream()
                        .filter(p -> peers.contains(p.address()) && "p2pnio/1".equals(p.protocol())).count();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, n -> n == peers.size());
    }
}
