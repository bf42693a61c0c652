package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parts of the API a command line needs besides the node itself. */
class PublicApiTest {

    @Test
    void sharedFilesListsWhatANodeWouldServeSortedByName(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("b.txt"), "bb");
        Files.createDirectories(folder.resolve("sub/deeper"));
        Files.writeString(folder.resolve("sub/deeper/a.txt"), "a");
        Files.writeString(folder.resolve("downloading_c.txt"), "partial");
        Files.createSymbolicLink(folder.resolve("link.txt"), folder.resolve("b.txt"));
        assertThat(Node.sharedFiles(folder)).containsExactly(new NodeEvent.FileInfo("a.txt", 1),
                new NodeEvent.FileInfo("b.txt", 2));
    }

    @Test
    void fileNameRefusesWhatCannotTravelAndSaysWhy() {
        assertThat(FileName.whyNotRequestable("movie.mkv")).isNull();
        assertThat(FileName.whyNotRequestable("a,b")).contains("','");
        assertThat(FileName.whyNotRequestable("../x")).contains("directory part");
        assertThat(FileName.whyNotRequestable("downloading_x")).contains("partial downloads");
        assertThat(FileName.whyNotRequestable(".p2p-0123456789abcdef.part")).contains("partial downloads");
        assertThat(FileName.whyNotRequestable(" leading space.txt")).isNull();
        assertThat(FileName.whyNotRequestable("trailing.txt ")).contains("ends with white space");
    }
}
