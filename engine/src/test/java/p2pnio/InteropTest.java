package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.ReferencePeer;

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
            Path saved = ref.fetchFrom(ours.address(), "from-ours.bin", Duration.ofSeconds(10));
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
}
