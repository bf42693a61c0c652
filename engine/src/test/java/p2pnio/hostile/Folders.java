package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import p2pnio.wire.Names;

/** Real files for the tests: random contents, digests, and the check that no partial file is left. */
final class Folders {

    private Folders() {
    }

    /** Writes {@code size} random bytes (seeded by the name) to {@code folder/name}. */
    static Path randomFile(Path folder, String name, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(name.hashCode()).nextBytes(b);
        return Files.write(folder.resolve(name), b);
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every file directly in {@code folder} whose name marks one of our partial downloads or its record. */
    static List<Path> partials(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> Names.isOurPartialFile(p.getFileName().toString())).toList();
        }
    }

    /** Deletes {@code p} and everything under it, if it exists. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    static void assertNoPartialFile(Path folder) throws IOException {
        assertThat(partials(folder)).as("partial files in %s", folder).isEmpty();
    }
}
