package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.DropReason;

/**
 * Browsing (issue 11): {@code LIST} to our nodes that can browse, their {@code FILES} answers split
 * into datagrams of at most 2048 bytes and merged into one table with the peers that hold each
 * file; a reference-style peer is never sent a {@code LIST}; a {@code FILES} nobody asked for is
 * dropped and counted.
 */
class BrowseTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void aBrowseMergesWhatOurPeersShareAndNeverAsksAReferencePeer() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Path ref = Files.createDirectories(tmp.resolve("ref"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Path common = Folders.randomFile(a, "common.bin", 1000);
        Files.copy(common, b.resolve("common.bin"));
        Folders.randomFile(b, "only-b.bin", 2000);
        for (int i = 0; i < 150; i++) { // about 15 KB of entries: several FILES datagrams
            Files.writeString(a.resolve("a file with a rather long name number " + i + ".txt"), "x" + i);
        }
        Folders.randomFile(ref, "reference.bin", 10);
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).build(), e -> { });
             Node nb = Node.start(NodeConfig.builder().port(0).folder(b).build(), e -> { });
             ReferencePeer reference = new ReferencePeer(ref);
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(na.address())
                     .addPeer(nb.address()).addPeer(reference.address()).build(), e -> { })) {
            MismatchedAnswerTest.awaitExtended(node, List.of(na.address(), nb.address()));
            awaitHashed(na, 151);
            awaitHashed(nb, 2);
            NodeEvent.BrowseReport report = node.browse().get(10, TimeUnit.SECONDS);
            assertThat(report.asked()).isEqualTo(2);
            assertThat(report.answered()).isEqualTo(2);
            assertThat(report.files()).hasSize(152);
            NodeEvent.SharedFile shared = report.files().stream().filter(f -> f.name().equals("common.bin")).findFirst()
                    .orElseThrow();
            assertThat(shared.peers()).containsExactlyInAnyOrder(na.address(), nb.address());
            assertThat(shared.sha256()).isEqualTo(TestFiles.sha256(common));
            assertThat(shared.size()).isEqualTo(1000);
            assertThat(report.files()).filteredOn(f -> f.name().equals("only-b.bin"))
                    .singleElement().satisfies(f -> assertThat(f.peers()).containsExactly(nb.address()));
            assertThat(report.files()).noneMatch(f -> f.name().equals("reference.bin"));
            assertThat(reference.datagrams()).as("a reference peer never sees a LIST").noneMatch(d -> d.startsWith("LIST"));
            assertThat(Poll.stats(node).dropped()).doesNotContainKey(DropReason.FILES_UNSOLICITED.name());
            assertThat(Poll.stats(na).datagramsOut()).as("the long list went out in several datagrams").isGreaterThan(8);
        }
    }

    @Test
    void aFilesNobodyAskedForAndAListFromAStrangerAreDroppedAndCounted() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(mine).build(), e -> { });
             DatagramSocket stranger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress to = node.controlAddress();
            for (String text : List.of("FILES,p2pnio/1,7,1,1,3//a.txt\n", "LIST,p2pnio/1,1\n")) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                stranger.send(new DatagramPacket(bytes, bytes.length, to));
            }
            Poll.until(WAIT, () -> Poll.stats(node), s -> s.dropped().getOrDefault(DropReason.FILES_UNSOLICITED.name(), 0L) == 1
                    && s.dropped().getOrDefault(DropReason.LIST_REFUSED.name(), 0L) == 1);
            assertThat(Poll.stats(node).datagramsOut()).as("nothing answered to a stranger").isZero();
        }
    }

    private static void awaitHashed(Node node, int files) {
        Poll.until(WAIT, () -> {
            try {
                return node.files().get(5, TimeUnit.SECONDS).stream().filter(f -> f.sha256() != null).count();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, n -> n >= files);
    }
}
