package p2pnio.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The real files the benchmarks serve: filled with pseudo-random bytes (so nothing on the path
 * can compress them), in the page cache, put in a temp folder at trial set-up that is deleted at
 * tear-down. The transfer benchmarks' files are hard links to copies {@linkplain #cached kept for
 * the whole run}, so every contender is served from the same pages.
 */
public final class BenchFiles {

    /** One mebibyte. */
    public static final long MIB = 1L << 20;
    /** One kibibyte. */
    public static final long KIB = 1L << 10;

    /**
     * Where {@link #cached} keeps its files for the length of a run. {@code Suite} deletes it at
     * the end; a benchmark run straight from the jar leaves it for the next run.
     */
    public static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "p2p-bench-cache");

    private static final int CHUNK = 1 << 20;

    private BenchFiles() {
    }

    /** A fresh temp folder whose name starts with {@code p2p-bench-<what>}. */
    public static Path folder(String what) {
        try {
            return Files.createTempDirectory("p2p-bench-" + what + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code size} pseudo-random bytes to {@code file} (seeded by its name) and returns it. */
    public static Path write(Path file, long size) {
        return write(file, size, file.getFileName().toString());
    }

    private static Path write(Path file, long size, String seed) {
        SplittableRandom random = new SplittableRandom(seed.hashCode());
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                if (left < chunk.remaining()) {
                    chunk.limit((int) left);
                }
                left -= chunk.remaining();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Puts a file of {@code size} pseudo-random bytes called {@code name} into {@code folder} as a
     * hard link to one kept in {@link #CACHE}, which is written only the first time: so every
     * contender and every fork of a run reads the very same page-cache pages, and no contender is
     * measured on memory of its own.
     */
    public static Path cached(Path folder, String name, long size) {
        try {
            Files.createDirectories(CACHE);
            Path kept = CACHE.resolve(size + "-" + name);
            if (!Files.isRegularFile(kept) || Files.size(kept) != size) {
                Path part = Files.createTempFile(CACHE, name, ".part");
                write(part, size, name);
                Files.move(part, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                return Files.createLink(folder.resolve(name), kept);
            } catch (UnsupportedOperationException | IOException noLinks) {
                // a file system without hard links: a copy, in the page cache too, but pages of its own
                return Files.copy(kept, folder.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts {@code count} files of {@code size} bytes called {@code <prefix><i>.bin} into
     * {@code folder} ({@linkplain #cached kept for the run}) and returns their names in order.
     */
    public static List<String> writeMany(Path folder, String prefix, int count, long size) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = prefix + i + ".bin";
            cached(folder, name, size);
            names.add(name);
        }
        return names;
    }

    /** Deletes {@code root} and everything under it; quietly does its best. */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("p2p-bench: could not delete " + root + ": " + e);
        }
    }
}
