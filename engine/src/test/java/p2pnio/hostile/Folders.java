package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.Names;

/** Files of the hostile tests: random contents seeded by the name, and the check that no partial file is left. */
final class Folders {

    private Folders() {
    }

    /** Writes {@code size} random bytes (seeded by the name) to {@code folder/name}. */
    static Path randomFile(Path folder, String name, int size) throws IOException {
        return TestFiles.random(folder.resolve(name), size, name.hashCode());
    }

    /** Every file directly in {@code folder} whose name marks one of our partial downloads or its record. */
    static List<Path> partials(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> Names.isOurPartialFile(p.getFileName().toString())).toList();
        }
    }

    static void assertNoPartialFile(Path folder) throws IOException {
        assertThat(partials(folder)).as("partial files in %s", folder).isEmpty();
    }
}
