package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;

/** Our node and a peer that speaks exactly as the reference node does, in one cluster. */
class InteropTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void ourNodeDownloadsFromAReferenceStylePeer() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        Files.write(refFolder.resolve("from-ref.bin"), data);
        try (ReferencePeer ref = new ReferencePeer(refFolder); TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b.addPeer(ref.address()));
            ours.post(new Command.Fetch("from-ref.bin"));
            assertThat(cluster.events(ours).awaitOutcome("from-ref.bin", Duration.ofSeconds(20)))
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(TestCluster.folder(ours).resolve("from-ref.bin"))).isEqualTo(data);
        }
    }

    @Test
    void aReferenceStyleClientDownloadsFromOurNode() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        try (ReferencePeer ref = new ReferencePeer(refFolder); TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b);
            byte[] data = new byte[123_457];
            new Random(2).nextBytes(data);
            Files.write(TestCluster.folder(ours).resolve("from-ours.bin"), data);
            Path saved = ref.fetchFrom(ours.address(), "from-ours.bin", Duration.ofSeconds(10));
            assertThat(saved.getFileName().toString()).isEqualTo("from-ours.bin");
            assertThat(Files.readAllBytes(saved)).isEqualTo(data);
            assertThat(ours.stats().get(5, TimeUnit.SECONDS).uploadsDone()).isEqualTo(1);
        }
    }

    /**
     * A reference node learns peers only from the entries of the DISCOVER lists it receives (never
     * from their sender), and tells every peer in its list the whole list each period. So: the
     * reference-style peer starts knowing nobody; our node A knows it; our node B knows only A.
     * Through DISCOVER alone, the reference peer must come to list both of our nodes, and our
     * nodes must list it and hear its DISCOVER rounds.
     */
    @Test
    void aReferenceStylePeerLearnsOfUsAndWeOfItThroughDiscover() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        try (ReferencePeer ref = new ReferencePeer(refFolder, 0, Duration.ofMillis(200), List.of());
             TestCluster cluster = new TestCluster(tmp)) {
            Node a = cluster.start("a", x -> x.addPeer(ref.address()));
            Node b = cluster.start("b", x -> x.addPeer(a.address()));

            // It learns of us: A's DISCOVER lists B (learned from B's own DISCOVER); B's lists A.
            Poll.until(WAIT, ref::cluster, known -> known.containsAll(List.of(a.address(), b.address())));
            assertThat(ref.received()).as("what the reference-style peer received")
                    .filteredOn(d -> d.from().equals(a.address())).isNotEmpty()
                    .allSatisfy(d -> assertThat(d.text()).startsWith("DISCOVER,"));
            assertThat(ref.datagrams()).allSatisfy(d -> assertThat(d.split(",", -1)).as(d).startsWith("DISCOVER")
                    .satisfies(f -> assertThat(List.of(f).subList(1, f.length))
                            .as("entries must be real host:port of the cluster (PROTOCOL.md 6)")
                            .isSubsetOf(a.address(), b.address(), ref.address())));

            // We learn of it: B, which knows only A, lists the reference peer; both hear its rounds.
            Poll.until(WAIT, () -> peer(b, ref.address()), p -> p != null && p.lastHeardMillisAgo() >= 0);
            Poll.until(WAIT, () -> peer(a, ref.address()), p -> p.lastHeardMillisAgo() >= 0);
            assertThat(ref.cluster()).as("it never lists itself").doesNotContain(ref.address());
        }
    }

    @Test
    void aDiscoverLongerThanADatagramFromAReferenceNodeIsReadAsTheReferenceReadsIt() throws Exception {
        assertLongDiscoverIsReadInPart(0);
    }

    @Test
    void aDiscoverCutExactlyBetweenTwoEntriesKeepsTheLastWholeEntry() throws Exception {
        assertLongDiscoverIsReadInPart(1);
    }

    /**
     * A reference node with a large cluster sends its whole list in one datagram of any length; a
     * reference receiver reads its first 2048 bytes. Ours does the same: it learns every entry in
     * them, drops the last one if the cut fell inside it, counts both, and learns the sender.
     * {@code shift} moves the cut: 0 puts it inside an entry, 1 right before a comma.
     */
    private void assertLongDiscoverIsReadInPart(int shift) throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        try (ReferencePeer ref = new ReferencePeer(refFolder); TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b.period(Duration.ofHours(1)));
            // entries of 17 characters: commas at 8 + 18 j, so byte 2048 falls inside an entry;
            // a first entry of 23 characters moves every comma by 6, putting one at byte 2048
            StringBuilder text = new StringBuilder("DISCOVER");
            if (shift == 1) {
                text.append(",[::ffff:127.0.6.1]:1234");
            }
            for (int i = 0; i < 200; i++) {
                text.append(",127.0.7.").append(100 + i % 100).append(':').append(20000 + i);
            }
            byte[] bytes = text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
            assertThat(bytes.length).isGreaterThan(2048);
            boolean cutInside = bytes[2048] != ',';
            assertThat(cutInside).isEqualTo(shift == 0);
            List<String> read = new ArrayList<>(Arrays.asList(new String(bytes, 0, 2048, StandardCharsets.UTF_8).split(",")));
            List<String> expected = read.subList(1, cutInside ? read.size() - 1 : read.size());

            ref.send(new String(bytes, StandardCharsets.UTF_8), ours.controlAddress());

            List<String> known = Poll.until(WAIT, () -> ours.peers().get(5, TimeUnit.SECONDS).stream()
                    .map(NodeEvent.PeerInfo::address).toList(), k -> k.size() >= expected.size() + 1);
            assertThat(known).contains(ref.address()).containsAll(expected).hasSize(expected.size() + 1);
            NodeStats s = ours.stats().get(5, TimeUnit.SECONDS);
            assertThat(s.dropped().get("DISCOVER_TRUNCATED")).isEqualTo(1L);
            assertThat(s.dropped().getOrDefault("DISCOVER_CUT_ENTRY", 0L)).isEqualTo(cutInside ? 1L : 0L);
            assertThat(s.dropped()).doesNotContainKey("TOO_LARGE");
        }
    }

    private static NodeEvent.PeerInfo peer(Node node, String address) throws Exception {
        return node.peers().get(5, TimeUnit.SECONDS).stream().filter(p -> p.address().equals(address))
                .findFirst().orElse(null);
    }
}
