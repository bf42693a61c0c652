package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.ReferencePeer;

/**
 * What a reference-style peer receives from our node, byte for byte, in a scripted exchange:
 * DISCOVER both ways, a {@code Get}/{@code File} and a TCP download in each direction, and a
 * second discovery round. The bytes are compared with a transcript recorded from the node before
 * any protocol extension (main at 217c1dd), so an extension can never leak to a peer that has not
 * shown it speaks it. Addresses and ports are replaced by names ({@code <ours>}, {@code <ref>},
 * {@code <ours-tcp>}) because they change from run to run.
 *
 * <p>The one sanctioned difference (docs/protocol.md, "Extensions (p2pnio/1)"): our {@code DISCOVER}
 * lists our own address first, a legal entry that a reference node merges like any other, so that
 * discovery is transitive through reference nodes. {@link #expected()} applies exactly that to the
 * recorded transcript; nothing else may differ.
 *
 * <p>Run with {@code -Dgolden.record=true} to write the transcript anew (only ever from a commit
 * whose bytes towards reference peers are the reference's own).
 */
class GoldenTranscriptTest {

    private static final Path GOLDEN = Path.of("src/test/resources/p2pnio/golden/reference-transcript.txt");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void aReferenceStylePeerReceivesExactlyTheReferenceBytes() throws Exception {
        List<String> transcript = scriptedExchange();
        if (Boolean.getBoolean("golden.record")) {
            Files.write(GOLDEN, transcript, StandardCharsets.UTF_8);
        }
        assertThat(transcript).containsExactlyElementsOf(expected());
    }

    /** The recorded transcript with the one stated difference: our address first in each DISCOVER. */
    static List<String> expected() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(GOLDEN, StandardCharsets.UTF_8)) {
            out.add(line.startsWith("udp <- DISCOVER,") ? line.replace("DISCOVER,", "DISCOVER,<ours>,") : line);
        }
        return out;
    }

    private List<String> scriptedExchange() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        Files.writeString(refFolder.resolve("from-ref.txt"), "bytes the reference serves\n");
        // One long period on both sides: every round in the transcript is one the script asks for (the
        // reference peer's own first round goes to its empty list: nothing).
        try (ReferencePeer ref = new ReferencePeer(refFolder, 0, Duration.ofHours(1), List.of());
             TestCluster cluster = new TestCluster(tmp)) {
            Node ours = cluster.start("ours", b -> b.addPeer(ref.address()).period(Duration.ofHours(1))
                    .getRetryInitial(Duration.ofSeconds(30)));
            Files.writeString(TestCluster.folder(ours).resolve("from-ours.txt"), "bytes our node serves\n");

            // 1. our first discovery round reaches the reference peer
            await(() -> ref.transcript().size() >= 1);
            // 2. the reference peer's own DISCOVER, listing us
            ref.send("DISCOVER," + ours.address() + "\n", ours.controlAddress());
            await(() -> heard(ours, ref.address()));
            // 3. the reference peer downloads from us: Get, File, then TCP
            ref.fetchFrom(ours.address(), "from-ours.txt", Duration.ofSeconds(10));
            // 4. we download from the reference peer
            ours.post(new Command.Fetch("from-ref.txt"));
            assertThat(cluster.events(ours).awaitOutcome("from-ref.txt", WAIT))
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            int before = ref.transcript().size();
            // 5. a discovery round asked for by the user
            ours.post(new Command.DiscoverNow());
            await(() -> ref.transcript().size() > before);
            // nothing else arrives afterwards
            Thread.sleep(300);

            List<String> out = new ArrayList<>();
            for (String line : ref.transcript()) {
                out.add(line.replace(ours.address(), "<ours>").replace(ref.address(), "<ref>")
                        .replace("," + ours.transferAddress().getPort(), ",<ours-tcp>")
                        .replace("\n", "\\n"));
            }
            return out;
        }
    }

    private static boolean heard(Node node, String peer) {
        try {
            return node.peers().get(5, TimeUnit.SECONDS).stream()
                    .anyMatch(p -> p.address().equals(peer) && p.lastHeardMillisAgo() >= 0);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void await(Poll.Condition done) {
        Poll.until(WAIT, "scripted step done", done);
    }
}
