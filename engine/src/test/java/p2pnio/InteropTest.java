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

/** Our node and a peer that speaks exactly as the reference node does, in one cluster. */
class InteropTest {

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
            Path saved = ref.fetchFrom(ours.address(), "from-ours.bin", 10_000);
            assertThat(saved.getFileName().toString()).isEqualTo("from-ours.bin");
            assertThat(Files.readAllBytes(saved)).isEqualTo(data);
            assertThat(ours.stats().get(5, TimeUnit.SECONDS).uploadsDone()).isEqualTo(1);
        }
    }

    @Test
    void aReferenceStylePeerLearnsOfUsAndWeOfItThroughDiscover() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        try (ReferencePeer ref = new ReferencePeer(refFolder); TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b.addPeer(ref.address()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            NodeStats s;
            do {
                s = ours.stats().get(5, TimeUnit.SECONDS);
            } while (s.datagramsOut() < 2 && System.nanoTime() < deadline);
            assertThat(s.datagramsOut()).as("DISCOVER rounds went out").isGreaterThanOrEqualTo(2);
            assertThat(ours.peers().get().get(0).address()).isEqualTo(ref.address());
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

            ref.sendControl(ours.address(), new String(bytes, StandardCharsets.UTF_8));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<String> known;
            do {
                known = ours.peers().get(5, TimeUnit.SECONDS).stream().map(NodeEvent.PeerInfo::address).toList();
            } while (known.size() < expected.size() + 1 && System.nanoTime() < deadline);
            assertThat(known).contains(ref.address()).containsAll(expected).hasSize(expected.size() + 1);
            NodeStats s = ours.stats().get(5, TimeUnit.SECONDS);
            assertThat(s.dropped().get("DISCOVER_TRUNCATED")).isEqualTo(1L);
            assertThat(s.dropped().getOrDefault("DISCOVER_CUT_ENTRY", 0L)).isEqualTo(cutInside ? 1L : 0L);
            assertThat(s.dropped()).doesNotContainKey("TOO_LARGE");
        }
    }
}
