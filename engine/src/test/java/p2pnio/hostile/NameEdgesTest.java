package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;

/**
 * Names at the edges of what the protocol carries, fetched over real sockets: every name a node
 * serves can be downloaded, whatever its length up to the file system's 255 bytes, and a leading
 * space travels as the reference node lets it (only trailing white space is trimmed away).
 */
class NameEdgesTest {

    @TempDir
    Path tmp;

    private static NodeEvent fetch(Node node, Recorder events, String name) throws InterruptedException {
        node.post(new Command.Fetch(name));
        return events.awaitOutcome(name, Duration.ofSeconds(20));
    }

    private void fetchesWhole(Path served, Node server, String name) throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine-" + Integer.toHexString(name.hashCode())));
        Recorder events = new Recorder();
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(server.address()).build(),
                events)) {
            NodeEvent outcome = fetch(node, events, name);
            assertThat(outcome).as("outcome of fetching a %d-byte name", name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(TestFiles.sha256(mine.resolve(name))).isEqualTo(TestFiles.sha256(served.resolve(name)));
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void everyNameUpTo255BytesThatIsServedCanBeDownloaded() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        String ascii255 = "n".repeat(251) + ".bin";
        String ascii244 = "m".repeat(240) + ".bin";
        String utf8 = "é".repeat(125) + ".bin"; // 250 + 4 = 254 bytes
        for (String name : new String[] {ascii255, ascii244, utf8}) {
            Folders.randomFile(served, name, 20_000);
        }
        try (Node server = Node.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO).build(),
                e -> { })) {
            for (String name : new String[] {ascii255, ascii244, utf8}) {
                fetchesWhole(served, server, name);
            }
        }
    }

    @Test
    void aNameWithALeadingSpaceTravelsBetweenOurNodes() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        Folders.randomFile(served, "  two leading spaces.txt", 5_000);
        try (Node server = Node.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO).build(),
                e -> { })) {
            fetchesWhole(served, server, "  two leading spaces.txt");
        }
    }

    @Test
    void aNameWithALeadingSpaceIsFetchedFromAReferenceStylePeer() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("ref"));
        Folders.randomFile(served, " leading.txt", 7_000);
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Recorder events = new Recorder();
        try (ReferencePeer ref = new ReferencePeer(served);
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(ref.address()).build(), events)) {
            assertThat(fetch(node, events, " leading.txt")).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(TestFiles.sha256(mine.resolve(" leading.txt"))).isEqualTo(TestFiles.sha256(served.resolve(" leading.txt")));
        }
    }

    @Test
    void aNameWithTrailingWhiteSpaceIsStillRefusedWithAClearMessage() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Recorder events = new Recorder();
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(mine).build(), events)) {
            NodeEvent outcome = fetch(node, events, "trailing.txt ");
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("ends with white space");
        }
    }
}
