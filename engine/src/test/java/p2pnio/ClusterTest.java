package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several nodes on real loopback sockets in one JVM. */
class ClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void threeNodesDiscoverEachOtherTransitivelyFromAChainOfSeeds() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            Node b = cluster.start("b", x -> x.addPeer(a.address()));
            Node c = cluster.start("c", x -> x.addPeer(b.address()));
            for (Node n : List.of(a, b, c)) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                List<String> others = List.of(a, b, c).stream().filter(o -> o != n).map(Node::address).toList();
                while (!addresses(n).containsAll(others)) {
                    assertThat(System.nanoTime()).as(n.address() + " knows " + addresses(n)).isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(addresses(n)).doesNotContain(n.address()).doesNotHaveDuplicates();
            }
            assertThat(cluster.events(a).all(NodeEvent.PeerJoined.class))
                    .extracting(NodeEvent.PeerJoined::address).contains(c.address());
        }
    }

    private static List<String> addresses(Node n) throws Exception {
        return n.peers().get(5, TimeUnit.SECONDS).stream().map(NodeEvent.PeerInfo::address).toList();
    }

    @Test
    void everyNodeDownloadsFromEveryOther() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            Node b = cluster.start("b", x -> x.addPeer(a.address()));
            Node c = cluster.start("c", x -> x.addPeer(b.address()));
            List<Node> all = List.of(a, b, c);
            Random random = new Random(7);
            for (int i = 0; i < all.size(); i++) {
                byte[] data = new byte[10_000 + random.nextInt(100_000)];
                random.nextBytes(data);
                Files.write(TestCluster.folder(all.get(i)).resolve("from-" + i + ".bin"), data);
            }
            // wait until the cluster is whole, so each Get reaches every node
            for (Node n : all) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (addresses(n).size() < 2) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            for (int i = 0; i < all.size(); i++) {
                for (int j = 0; j < all.size(); j++) {
                    if (i != j) {
                        all.get(i).post(new Command.Fetch("from-" + j + ".bin"));
                    }
                }
            }
            for (int i = 0; i < all.size(); i++) {
                for (int j = 0; j < all.size(); j++) {
                    if (i == j) {
                        continue;
                    }
                    String name = "from-" + j + ".bin";
                    NodeEvent outcome = cluster.events(all.get(i)).awaitOutcome(name, WAIT);
                    assertThat(outcome).as("node %d fetching %s", i, name)
                            .isInstanceOf(NodeEvent.DownloadFinished.class);
                    assertThat(TestCluster.sha256(TestCluster.folder(all.get(i)).resolve(name)))
                            .isEqualTo(TestCluster.sha256(TestCluster.folder(all.get(j)).resolve(name)));
                }
                assertThat(TestCluster.partials(TestCluster.folder(all.get(i)))).isEmpty();
            }
        }
    }

    @Test
    void twoHundredConcurrentDownloadsOfDistinctFilesArriveBitIdentical() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node server = cluster.start("server", b -> b);
            Node client = cluster.start("client", x -> x.addPeer(server.address()));
            Random random = new Random(42);
            byte[] data = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                random.nextBytes(data);
                Files.write(TestCluster.folder(server).resolve("part-" + i + ".bin"), data);
            }
            for (int i = 0; i < 200; i++) {
                client.post(new Command.Fetch("part-" + i + ".bin"));
            }
            for (int i = 0; i < 200; i++) {
                String name = "part-" + i + ".bin";
                NodeEvent outcome = cluster.events(client).awaitOutcome(name, Duration.ofSeconds(60));
                assertThat(outcome).as(name).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(TestCluster.sha256(TestCluster.folder(client).resolve(name)))
                        .isEqualTo(TestCluster.sha256(TestCluster.folder(server).resolve(name)));
            }
            NodeStats stats = server.stats().get(5, TimeUnit.SECONDS);
            assertThat(stats.uploadsDone()).isEqualTo(200);
            assertThat(stats.bytesSent()).isEqualTo(200L << 20);
            assertThat(TestCluster.partials(TestCluster.folder(client))).isEmpty();
        }
    }

    @Test
    void priorityPeersAreAnsweredAtOnceOthersAfterTheDelay() throws Exception {
        Duration delay = Duration.ofMillis(1500);
        TestClock aClock = new TestClock(); // a's delayed answers wait for this clock, not for real time
        Path aFolder = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(aFolder.resolve("on-a.txt"), "a", StandardCharsets.UTF_8);
        Files.writeString(aFolder.resolve("also-on-a.txt"), "a2", StandardCharsets.UTF_8);
        Files.writeString(Files.createDirectories(tmp.resolve("b")).resolve("on-b.txt"), "b", StandardCharsets.UTF_8);
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", x -> x.delay(delay), aClock);
            Node b = cluster.start("b", x -> x.addPeer(a.address()));
            awaitPeers(a, 1);

            // b is a stranger to a: a answers only once its clock has passed the delay
            long heardBefore = a.stats().get(5, TimeUnit.SECONDS).datagramsIn();
            b.post(new Command.Fetch("on-a.txt"));
            cluster.events(b).await(NodeEvent.RequestSent.class, e -> e.name().equals("on-a.txt"), WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (a.stats().get(5, TimeUnit.SECONDS).datagramsIn() == heardBefore) {
                assertThat(System.nanoTime()).as("a received b's Get").isLessThan(deadline);
                Thread.sleep(10);
            }
            aClock.advance(delay.minusMillis(1));
            assertThat(cluster.events(b).all(NodeEvent.RequestAnswered.class)).as("answered before the delay").isEmpty();
            aClock.advance(Duration.ofMillis(1));
            assertThat(cluster.events(b).awaitOutcome("on-a.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFinished.class);

            // a fetches from b, which answers: b becomes a priority peer of a
            a.post(new Command.Fetch("on-b.txt"));
            assertThat(cluster.events(a).awaitOutcome("on-b.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(a.peers().get(5, TimeUnit.SECONDS)).anyMatch(p -> p.address().equals(b.address()) && p.priority());

            // now a answers b at once: with a's clock standing still
            b.post(new Command.Fetch("also-on-a.txt"));
            cluster.events(b).await(NodeEvent.RequestAnswered.class, e -> e.name().equals("also-on-a.txt"), WAIT);
            assertThat(cluster.events(b).awaitOutcome("also-on-a.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFinished.class);
        }
    }

    private static void awaitPeers(Node n, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (addresses(n).size() < count) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void aRequestNobodyAnswersIsSentAgainWithinItsWaitAndFailsWhenTheWaitIsOver() throws Exception {
        TestClock clock = new TestClock();
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            Node b = cluster.start("b", x -> x.addPeer(a.address()).waiting(Duration.ofMillis(800))
                    .getRetryInitial(Duration.ofMillis(200)), clock);
            Recorder events = cluster.events(b);
            b.post(new Command.Fetch("nobody-has-this.txt"));
            events.await(NodeEvent.RequestSent.class, e -> e.attempt() == 1, WAIT);
            clock.advance(Duration.ofMillis(200)); // first retry after 200 ms, then 400 ms later: 600 ms
            events.await(NodeEvent.RequestSent.class, e -> e.attempt() == 2, WAIT);
            clock.advance(Duration.ofMillis(400));
            events.await(NodeEvent.RequestSent.class, e -> e.attempt() == 3, WAIT);
            clock.advance(Duration.ofMillis(199));
            assertThat(events.all(NodeEvent.DownloadFailed.class)).as("failed before 800 ms").isEmpty();
            clock.advance(Duration.ofMillis(1));
            NodeEvent outcome = events.awaitOutcome("nobody-has-this.txt", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("no peer answered").contains("3 tries");
            assertThat(events.all(NodeEvent.RequestSent.class)).hasSize(3); // the next retry (1.4 s) is past the wait
        }
    }

    @Test
    void filesInSubFoldersAreFoundAndServedFromTheSameIndex() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            Node b = cluster.start("b", x -> x.addPeer(a.address()));
            Path deep = Files.createDirectories(TestCluster.folder(a).resolve("x/y/z"));
            Files.writeString(deep.resolve("deep.txt"), "found me");
            b.post(new Command.Fetch("deep.txt"));
            assertThat(cluster.events(b).awaitOutcome("deep.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readString(TestCluster.folder(b).resolve("deep.txt"))).isEqualTo("found me");
        }
    }

    @Test
    void namesThatCannotTravelAreRefusedWithAClearReason() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", b -> b);
            for (String bad : List.of("a,b", "../etc/passwd", "trailing:", "")) {
                a.post(new Command.Fetch(bad));
                NodeEvent outcome = cluster.events(a).awaitOutcome(bad, WAIT);
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
                assertThat(((NodeEvent.DownloadFailed) outcome).reason()).startsWith("cannot request");
            }
            assertThat(a.stats().get().datagramsOut()).isZero();
        }
    }
}
