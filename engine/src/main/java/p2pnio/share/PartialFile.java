package p2pnio.share;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import p2pnio.wire.Names;

/**
 * One download on its way into the shared folder: its bytes go to a partial file of its own,
 * and reach their final name only whole, checked, and never over a file that is already there.
 *
 * <p><b>The scheme.</b> Two files next to each other at the folder's top, named by a random id of
 * 16 hex digits, so the names are short and of fixed length whatever the final name (a 255-byte
 * name fits), and two downloads never share one:
 * <pre>
 *   .p2p-3f9a0c1d2e4b5a67.rec    the record: format, requested name, size, peer, owner process
 *   .p2p-3f9a0c1d2e4b5a67.part   the bytes received so far
 * </pre>
 * Both are created exclusively ({@code CREATE_NEW}, never through a link), the record first: it
 * reserves the id (on a collision, another id is drawn) and names the process that owns the
 * download. Neither is ever served ({@link Names#isPartialFile}).
 *
 * <p><b>Steps.</b> Each runs on the node's file thread ({@code p2pnio.loop.OffLoop}), never on
 * the loop, except writing the body into {@link #channel()}:
 * <ol>
 *   <li>{@link #create}: refuses a size larger than the free space, then creates the record and
 *       the part;</li>
 *   <li>the loop writes the body;</li>
 *   <li>{@link #publish}: closes the part, checks it is still the very file created in step 1
 *       (same file key) with exactly SIZE bytes, then gives it the first free name of
 *       {@code name}, {@code stem (1).ext}, {@code stem (2).ext}, ... with a hard link, which
 *       fails atomically if the name exists, so nothing is ever replaced. Where the file system
 *       has no hard links, a move that refuses an existing target (a check and a rename: not
 *       atomic). Then the part's own name and the record are deleted;</li>
 *   <li>{@link #discard}, on any failure: closes and deletes the part, then the record.</li>
 * </ol>
 * A crash leaves a record (and perhaps its part) behind; {@link #sweep} finds such leftovers when
 * a node starts: a record whose owner process is gone, or a part without a record. Issue 12
 * (resume) will keep what is worth resuming instead of deleting it, and issue 11 (verified
 * downloads) checks a digest in {@link #publish} before the link.
 *
 * <p>Threads: made on the loop; {@link #create}, {@link #publish}, {@link #discard} on the file
 * thread, one after the other; {@link #channel()} on the loop between create and publish. The
 * hand-overs go through the loop's mailbox and the file thread's queue, which order them.
 */
public final class PartialFile {

    /** First line of a record; a later format changes the number. */
    static final String FORMAT = "p2pnio partial 1";
    /** Most numbered copies tried beside an existing file. */
    static final int MAX_COPIES = 999;
    private static final int MAX_IDS = 8;
    /** A leftover younger than this is left alone: its owner may live in another PID namespace. */
    static final Duration SWEEP_AFTER = Duration.ofMinutes(5);

    private final Path root;
    private final String name;
    private final long size;
    private final String peer;
    private String id;
    private Path part;
    private Path record;
    private FileChannel channel;
    private Object fileKey;
    private IOException leftover;

    /**
     * @param root the shared folder (real path)
     * @param name the name asked for; the final file is {@code name} or a numbered copy of it
     * @param size SIZE from the header
     * @param peer where the bytes come from, for the record
     */
    public PartialFile(Path root, String name, long size, String peer) {
        this.root = root;
        this.name = name;
        this.size = size;
        this.peer = peer;
    }

    /** The file names of the part and the record for {@code id}. */
    static String partName(String id) {
        return Names.PARTIAL_PREFIX + id + Names.PARTIAL_SUFFIX;
    }

    static String recordName(String id) {
        return Names.PARTIAL_PREFIX + id + Names.RECORD_SUFFIX;
    }

    /**
     * Throws, with a message for people, if {@code size} bytes of {@code name} do not fit in the
     * free space of {@code root}'s file store. File thread (it may stall on the disk): the check
     * before a partial file is made, and the one a request makes before it connects when an
     * extended answer told the size.
     */
    public static void checkSpace(Path root, String name, long size) throws IOException {
        long usable;
        try {
            usable = Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            throw new IOException("cannot read the free space of " + root + ": " + e.getMessage(), e);
        }
        if (size > usable) {
            throw new IOException("not enough disk space for '" + name + "': " + size + " bytes needed, " + usable + " free");
        }
    }

    /** Where the bytes are written (the part file); read back by a {@link Verifier}. */
    public Path partPath() {
        return part;
    }

    /**
     * Checks the free space, then creates the record and the part exclusively. File thread.
     *
     * @throws IOException with a message for people: not enough space, or why the files could not be made
     */
    public void create() throws IOException {
        checkSpace(root, name, size);
        IOException last = null;
        for (int i = 0; i < MAX_IDS; i++) {
            String candidate = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            Path rec = root.resolve(recordName(candidate));
            try {
                Files.write(rec, recordText().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                last = e;
                continue; // that id is taken: draw another
            } catch (IOException e) {
                throw new IOException("cannot create a partial file for '" + name + "' in " + root + ": "
                        + e.getMessage(), e);
            }
            Path p = root.resolve(partName(candidate));
            try {
                channel = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                fileKey = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            } catch (IOException e) {
                if (channel != null) {
                    channel.close();
                    channel = null;
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(rec);
                if (e instanceof FileAlreadyExistsException) {
                    last = e;
                    continue;
                }
                throw new IOException("cannot create a partial file for '" + name + "' in " + root + ": "
                        + e.getMessage(), e);
            }
            id = candidate;
            record = rec;
            part = p;
            return;
        }
        throw new IOException("cannot create a partial file for '" + name + "': " + MAX_IDS
                + " random names were all taken (" + last.getMessage() + ")");
    }

    private String recordText() {
        ProcessHandle self = ProcessHandle.current();
        return FORMAT + "\n"
                + "name=" + name + "\n"
                + "size=" + size + "\n"
                + "peer=" + peer + "\n"
                + "pid=" + self.pid() + "\n"
                + "started=" + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n";
    }

    /** Where the loop writes the body: valid from {@link #create} to {@link #publish}. */
    public FileChannel channel() {
        return channel;
    }

    /** The partial file's name, {@code .p2p-<id>.part}; null before {@link #create}. */
    public String partName() {
        return part == null ? null : part.getFileName().toString();
    }

    /**
     * Closes the part, checks it, and gives it its final name: {@code name} if free, else the first
     * free numbered copy. Never replaces anything. Then deletes the part's own name and the
     * record; a failure to do so does not undo the download ({@link #leftover}). File thread.
     *
     * @return the file's final path
     * @throws IOException when the part changed under us, or no name is free
     */
    public Path publish() throws IOException {
        channel.close();
        BasicFileAttributes a = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile() || !Objects.equals(a.fileKey(), fileKey) || a.size() != size) {
            throw new IOException("the partial file " + part.getFileName() + " is no longer the one this download"
                    + " wrote (" + a.size() + " bytes, " + size + " expected): not put in place");
        }
        for (int n = 0; n <= MAX_COPIES; n++) {
            Path target = root.resolve(n == 0 ? name : copyName(name, n));
            boolean moved;
            try {
                moved = moved(target);
            } catch (FileAlreadyExistsException e) {
                continue; // the user's file (or another download's) is there: keep both
            }
            try {
                if (!moved) {
                    Files.delete(part);
                }
                part = null;
                Files.delete(record);
                record = null;
            } catch (IOException e) {
                leftover = e; // the file is in place; what is left is for discard, and a warning
            }
            return target;
        }
        throw new IOException("'" + name + "' and its numbered copies up to (" + MAX_COPIES
                + ") all exist in the folder: nothing was replaced, and the download was not kept");
    }

    /**
     * Gives the part the name {@code target}, never replacing: a hard link (the part keeps its own
     * name too; false), else a move that refuses an existing target (true).
     */
    private boolean moved(Path target) throws IOException {
        try {
            Files.createLink(target, part);
            return false;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            Files.move(part, target); // no hard links here: without REPLACE_EXISTING it refuses an existing target
            return true;
        }
    }

    /** Why the part's name or the record could not be deleted after {@link #publish}, or null. */
    public IOException leftover() {
        return leftover;
    }

    /** Closes and deletes what {@link #create} made, if anything; safe at any step. File thread. */
    public void discard() throws IOException {
        IOException first = null;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            first = e;
        }
        for (Path p : new Path[] {part, record}) {
            try {
                if (p != null) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        part = null;
        record = null;
        if (first != null) {
            throw first;
        }
    }

    /**
     * The {@code n}-th name that keeps both files: {@code notes (1).txt} for {@code notes.txt}; the
     * number goes before the last extension, and the stem is cut (at a character) so that the name
     * still fits {@link Names#MAX_NAME_BYTES}.
     */
    static String copyName(String name, int n) {
        String mark = " (" + n + ")";
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        if (utf8(ext) + utf8(mark) >= Names.MAX_NAME_BYTES / 2) {
            stem = name; // an "extension" this long is no extension
            ext = "";
        }
        int room = Names.MAX_NAME_BYTES - utf8(mark) - utf8(ext);
        while (utf8(stem) > room) {
            stem = stem.substring(0, stem.offsetByCodePoints(stem.length(), -1));
        }
        return stem + mark + ext;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Deletes the leftovers of downloads whose process is gone (it crashed or was killed): each
     * record whose owner no longer runs, with its part, and each part without a record. A download
     * whose files changed less than {@link #SWEEP_AFTER} ago is left alone, whoever owns it (its
     * owner may run in another PID namespace on a shared folder). File thread: it lists the folder.
     *
     * @return how many downloads' leftovers were deleted
     */
    public static int sweep(Path root) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(root,
                p -> Names.isOurPartialFile(p.getFileName().toString()))) {
            for (Path p : all) {
                ids.add(p.getFileName().toString().substring(Names.PARTIAL_PREFIX.length(),
                        Names.PARTIAL_PREFIX.length() + Names.PARTIAL_ID_HEX));
            }
        }
        Instant old = Instant.now().minus(SWEEP_AFTER);
        int removed = 0;
        for (String id : ids) {
            Path part = root.resolve(partName(id));
            Path rec = root.resolve(recordName(id));
            if (changedSince(part, old) || changedSince(rec, old)) {
                continue;
            }
            boolean hasRecord = Files.exists(rec, LinkOption.NOFOLLOW_LINKS);
            if (!hasRecord || !ownerRuns(rec)) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(rec);
                removed++;
            }
        }
        return removed;
    }

    private static boolean changedSince(Path p, Instant since) throws IOException {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(since);
        } catch (NoSuchFileException e) {
            return false; // not there (any more): nothing recent
        }
    }

    /** True if the process a record names still runs (unknown or unreadable records count as running). */
    static boolean ownerRuns(Path record) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(record, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return true; // its owner finished with it while we looked
        } catch (CharacterCodingException e) {
            return true; // not a record we can read: do not judge it
        }
        if (lines.isEmpty() || !lines.get(0).equals(FORMAT)) {
            return true; // not a record we can read: do not judge it
        }
        long pid = field(lines, "pid");
        long started = field(lines, "started");
        if (pid <= 0) {
            return true;
        }
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty() || !owner.get().isAlive()) {
            return false;
        }
        Optional<Instant> start = owner.get().info().startInstant();
        // Another process with a reused PID started at another time.
        return started <= 0 || start.isEmpty() || Math.abs(start.get().toEpochMilli() - started) < 1000;
    }

    private static long field(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key + "=")) {
                try {
                    return Long.parseLong(line.substring(key.length() + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return (id == null ? "(partial file not created yet)" : partName(id)) + " for " + name;
    }
}
