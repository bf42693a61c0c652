package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import p2pnio.share.SharedFolder;
import p2pnio.wire.Names;

/**
 * Fuzz target for safe name resolution: whatever name a peer sends (in a {@code Get} datagram or
 * an upload's request line) or a user asks for, the path the node would serve, write or rename
 * to stays directly inside the shared folder, and the index never hands out a link. Jazzer's
 * {@code FilePathTraversal} detector watches every path built here while fuzzing. Inputs kept
 * under {@code src/test/resources/p2pnio/fuzz/SafeNamesFuzzTestInputs/<method>/}.
 */
class SafeNamesFuzzTest {

    private static Path outside;
    private static Path root;
    private static Map<String, SharedFolder.Entry> index;

    @BeforeAll
    static void folderWithAFileASubFolderAndLinksPointingOutside() throws IOException {
        outside = Files.createTempDirectory("p2p-fuzz-outside");
        Path secret = Files.writeString(outside.resolve("secret.txt"), "must never be served\n");
        root = Files.createTempDirectory("p2p-fuzz-shared").toRealPath();
        Files.writeString(root.resolve("a.txt"), "a\n");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub").resolve("b.txt"), "b\n");
        Files.writeString(root.resolve("downloading_c.txt"), "partial\n");
        Files.writeString(root.resolve(".p2p-0123456789abcdef.part"), "partial\n");
        Files.writeString(root.resolve(".p2p-0123456789abcdef.rec"), "record\n");
        Files.createSymbolicLink(root.resolve("leak.txt"), secret);
        Files.createSymbolicLink(root.resolve("secret.txt"), secret);
        Files.createSymbolicLink(root.resolve("outdir"), outside);
        index = SharedFolder.scan(root);
        assertThat(index).containsOnlyKeys("a.txt", "b.txt");
    }

    @AfterAll
    static void removeFolders() throws IOException {
        for (Path p : new Path[] {root, outside}) {
            try (Stream<Path> all = Files.walk(p)) {
                for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void noRequestedNameResolvesOutsideTheFolderOrToALink(FuzzedDataProvider data) throws IOException {
        String name = data.consumeRemainingAsString();
        // A peer's name (Get datagram or request line): only its base name is looked up and served.
        String base = Names.baseName(name);
        assertThat(base).doesNotContain("/", "\\");
        if (Names.whyNotServable(base) == null) {
            Path served = root.resolve(base);
            assertThat(served.normalize().getParent()).isEqualTo(root);
            assertThat(served.getFileName().toString()).isEqualTo(base);
            SharedFolder.Entry hit = index.get(base);
            if (hit != null) {
                assertThat(Files.isSymbolicLink(hit.path())).isFalse();
                assertThat(hit.path().toRealPath(LinkOption.NOFOLLOW_LINKS).startsWith(root)).isTrue();
                assertThat(Files.readString(hit.path())).doesNotContain("never");
            }
            Files.exists(served, LinkOption.NOFOLLOW_LINKS);
        }
        // A name a user asks for: the final file is directly in the folder (the partial file's name
        // never derives from it) and is never one of a partial download.
        if (Names.whyNotRequestable(name) == null) {
            assertThat(name).isEqualTo(base);
            assertThat(root.resolve(name).normalize().getParent()).isEqualTo(root);
            assertThat(name).isNotIn(".", "..");
            assertThat(Names.isPartialFile(name)).isFalse();
        }
    }
}
