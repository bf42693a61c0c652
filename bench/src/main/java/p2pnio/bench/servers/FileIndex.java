package p2pnio.bench.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import p2pnio.wire.Names;

/**
 * The baselines' view of the shared folder: regular files by name, read once at start. Resolves a
 * request line the way the protocol says (base name only), so baselines do the same work per
 * request as the node without its index rescans.
 */
final class FileIndex {

    private final Map<String, Path> files = new HashMap<>();

    FileIndex(Path folder) {
        try (Stream<Path> all = Files.list(folder)) {
            all.filter(Files::isRegularFile).forEach(p -> files.put(p.getFileName().toString(), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file a request line ({@code Get,<name>}, newline already cut) asks for, or null. */
    Path resolve(String line) {
        if (!line.startsWith("Get,")) {
            return null;
        }
        String name = line.substring(4).strip();
        int comma = name.indexOf(',');
        if (comma >= 0) {
            name = name.substring(0, comma);
        }
        return files.get(Names.baseName(name));
    }

    /** Same, from the line's bytes. */
    Path resolve(byte[] line, int length) {
        return resolve(new String(line, 0, length, StandardCharsets.UTF_8));
    }
}
