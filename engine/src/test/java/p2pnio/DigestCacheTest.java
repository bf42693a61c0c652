package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.Names;

/**
 * The serving node's digests (issue 11): every shared file is hashed off the loop; the digests are
 * kept in {@code .p2p-digests}, keyed by path, size and modification time, so a restart takes an
 * unchanged file's digest from there instead of hashing it again, and a changed file is hashed
 * again; the cache file itself is never shared.
 */
class DigestCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path folder;

    @Test
    void aRestartTakesUnchangedFilesFromTheCacheAndHashesChangedOnesAgain() throws Exception {
        Path kept = TestFiles.random(folder.resolve("kept.bin"), 100_000, 1);
        Path changed = TestFiles.random(folder.resolve("changed.bin"), 100_000, 2);
        try (Node node = start()) {
            awaitDigest(node, "kept.bin", TestFiles.sha256(kept));
            awaitDigest(node, "changed.bin", TestFiles.sha256(changed));
            Poll.until(WAIT, "the cache file is written", () -> Files.exists(folder.resolve(Names.DIGEST_CACHE))
                    && Files.readString(folder.resolve(Names.DIGEST_CACHE)).contains("changed.bin"));
            assertThat(node.files().get(5, TimeUnit.SECONDS)).extracting(NodeEvent.FileInfo::name)
                    .containsExactlyInAnyOrder("kept.bin", "changed.bin");
        }
        List<String> lines = Files.readAllLines(folder.resolve(Names.DIGEST_CACHE));
        assertThat(lines.get(0)).isEqualTo("p2pnio digests 1");
        assertThat(lines).contains(TestFiles.sha256(kept) + " 100000 "
                + Files.getLastModifiedTime(kept).toMillis() + " kept.bin");
        // A digest that is in the cache but not the file's: only a node that reads the cache can show it.
        String planted = "ab".repeat(32);
        Files.write(folder.resolve(Names.DIGEST_CACHE), lines.stream()
                .map(l -> l.endsWith(" kept.bin") ? planted + l.substring(64) : l).toList());
        Files.write(changed, new byte[100_000]);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 5000));
        try (Node again = start()) {
            awaitDigest(again, "kept.bin", planted); // unchanged: from the cache, not hashed again
            awaitDigest(again, "changed.bin", TestFiles.sha256(changed)); // changed: hashed again
        }
    }

    private Node start() throws Exception {
        return Node.start(NodeConfig.builder().port(0).folder(folder).build(), e -> { });
    }

    private static void awaitDigest(Node node, String name, String sha) {
        Poll.until(WAIT, name + " has digest " + sha, () -> node.files().get(5, TimeUnit.SECONDS).stream()
                .anyMatch(f -> f.name().equals(name) && sha.equals(f.sha256())));
    }
}
