package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.testkit.TestFiles;

/**
 * A download never writes through a link: whatever already sits in the folder under the final or
 * the partial name (a link pointing outside, a directory), the file outside is untouched and no
 * partial file is left.
 */
class DownloadDestinationTest {

    @TempDir
    Path tmp;
    private Path served;
    private Path folder;
    private Path outside;
    private Node server;
    private Node node;
    private final Recorder events = new Recorder();

    @BeforeEach
    void aServerAndAFetcher() throws IOException {
        served = Files.createDirectories(tmp.resolve("served"));
        folder = Files.createDirectories(tmp.resolve("folder"));
        outside = Files.writeString(tmp.resolve("outside.txt"), "precious, outside the folder\n");
        Folders.randomFile(served, "f.bin", 40_000);
        server = Node.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO).build(), e -> { });
        node = Node.start(NodeConfig.builder().port(0).folder(folder).addPeer(server.address()).build(), events);
    }

    @AfterEach
    void stop() {
        node.close();
        server.close();
    }

    private NodeEvent fetch() throws InterruptedException {
        node.post(new Command.Fetch("f.bin"));
        return events.awaitOutcome("f.bin", Duration.ofSeconds(20));
    }

    @Test
    void aLinkUnderTheFinalNameIsReplacedByTheFileNotWrittenThrough() throws Exception {
        Files.createSymbolicLink(folder.resolve("f.bin"), outside);
        assertThat(fetch()).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(Files.isSymbolicLink(folder.resolve("f.bin"))).isFalse();
        assertThat(TestFiles.sha256(folder.resolve("f.bin"))).isEqualTo(TestFiles.sha256(served.resolve("f.bin")));
        assertThat(Files.readString(outside)).isEqualTo("precious, outside the folder\n");
    }

    @Test
    void aLinkUnderThePartialNameIsNeverWrittenThroughAndTheDownloadFailsCleanly() throws Exception {
        Files.createSymbolicLink(folder.resolve("downloading_f.bin"), outside);
        NodeEvent outcome = fetch();
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
        assertThat(Files.readString(outside)).isEqualTo("precious, outside the folder\n");
        assertThat(folder.resolve("f.bin")).doesNotExist();
        assertThat(Files.exists(folder.resolve("downloading_f.bin"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aDirectoryUnderTheFinalNameFailsTheDownloadAndLeavesNoPartialFile() throws Exception {
        Files.createDirectories(folder.resolve("f.bin").resolve("inside"));
        NodeEvent outcome = fetch();
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
        assertThat(folder.resolve("f.bin").resolve("inside")).isDirectory();
        Folders.assertNoPartialFile(folder);
        assertThat(outside).hasContent("precious, outside the folder");
    }
}
