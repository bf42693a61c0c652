package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
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
 * A download never writes through a link nor replaces what is in the folder: whatever already
 * sits under the final name (a link pointing outside, a directory), it stays as it is, the
 * download is saved beside it as a numbered copy, the file outside is untouched, and no partial
 * file is left.
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

    /** Fetches f.bin, which must succeed, and returns where it was saved. */
    private Path fetched() throws Exception {
        node.post(new Command.Fetch("f.bin"));
        NodeEvent outcome = events.awaitOutcome("f.bin", Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        Path saved = ((NodeEvent.DownloadFinished) outcome).file();
        assertThat(TestFiles.sha256(saved)).isEqualTo(TestFiles.sha256(served.resolve("f.bin")));
        Folders.assertNoPartialFile(folder);
        assertThat(Files.readString(outside)).isEqualTo("precious, outside the folder\n");
        return saved;
    }

    @Test
    void aLinkUnderTheFinalNameIsKeptAndNeverWrittenThrough() throws Exception {
        Files.createSymbolicLink(folder.resolve("f.bin"), outside);
        assertThat(fetched()).isEqualTo(folder.toRealPath().resolve("f (1).bin"));
        assertThat(Files.readSymbolicLink(folder.resolve("f.bin"))).isEqualTo(outside);
    }

    @Test
    void aDanglingLinkUnderTheFinalNameIsKeptToo() throws Exception {
        Files.createSymbolicLink(folder.resolve("f.bin"), tmp.resolve("nowhere"));
        assertThat(fetched()).isEqualTo(folder.toRealPath().resolve("f (1).bin"));
        assertThat(Files.isSymbolicLink(folder.resolve("f.bin"))).isTrue();
        assertThat(tmp.resolve("nowhere")).doesNotExist();
    }

    @Test
    void aReferenceClientsPartialFileUnderTheOldPartialNameIsLeftAlone() throws Exception {
        Files.createSymbolicLink(folder.resolve("downloading_f.bin"), outside);
        assertThat(fetched()).isEqualTo(folder.toRealPath().resolve("f.bin"));
        assertThat(Files.readSymbolicLink(folder.resolve("downloading_f.bin"))).isEqualTo(outside);
    }

    @Test
    void aDirectoryUnderTheFinalNameIsKeptAndTheFileSavedBesideIt() throws Exception {
        Files.createDirectories(folder.resolve("f.bin").resolve("inside"));
        assertThat(fetched()).isEqualTo(folder.toRealPath().resolve("f (1).bin"));
        assertThat(folder.resolve("f.bin").resolve("inside")).isDirectory();
    }
}
