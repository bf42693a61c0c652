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
import java.util.BitSet;
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
 * a node starts: a record whose owner process is gone, or a part without a record. A resumable
 * download (issue 12: its record names the file's SHA-256, the piece size and the pieces done) is
 * kept instead ({@link #keep}, {@link #checkpoint}, {@link #resume}, {@link #discardKept}).
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
    /** The digest a resumable download is checked against (lower-case hex), or null: not resumable. */
    private final String sha256;
    /** Bytes per piece of a resumable download. */
    private final long pieceBytes;
    /** Pieces whose bytes are forced to disk and named in the record, for a resumable download. */
    private final BitSet done = new BitSet();
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
        this(root, name, size, peer, null, 0);
    }

    /**
     * A resumable download (issue #12): its record also names the file's SHA-256, the piece size
     * and the pieces done, so that it survives a failure, a stop or a crash ({@link #keep},
     * {@link #checkpoint}) and a later download of the same file takes it up ({@link #resume}).
     */
    public PartialFile(Path root, String name, long size, String peer, String sha256, long pieceBytes) {
        this.root = root;
        this.name = name;
        this.size = size;
        this.peer = peer;
        this.sha256 = sha256;
        this.pieceBytes = pieceBytes;
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
                + "started=" + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n"
                + (sha256 == null ? "" : "sha256=" + sha256 + "\n" + "piece=" + pieceBytes + "\n"
                        + "done=" + ranges(done) + "\n" + "end=1\n");
    }

    /**
     * Records that {@code pieces} are done, in the right order for a crash at any moment: the
     * part's bytes are forced to the disk first, then the record is rewritten. The record ends
     * with {@code end=1}; one cut short by a crash lacks it and counts as nothing done, so a record
     * never names a piece whose bytes are not on the disk. File thread.
     */
    public void checkpoint(BitSet pieces) throws IOException {
        if (sha256 == null || channel == null || !channel.isOpen()) {
            return;
        }
        channel.force(false);
        done.clear();
        done.or(pieces);
        Files.write(record, recordText().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    }

    /** The pieces done, as the record names them (those of a resumed download at first). */
    public BitSet done() {
        return (BitSet) done.clone();
    }

    /** True for a download that a failure keeps for resume (it has a digest). */
    public boolean resumable() {
        return sha256 != null;
    }

    /**
     * Keeps the part and its record for a later resume, after {@code pieces} were done: forced,
     * recorded ({@link #checkpoint}), closed. File thread.
     */
    public void keep(BitSet pieces) throws IOException {
        try {
            checkpoint(pieces);
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /**
     * Takes up a download of {@code name} kept by {@link #keep} or left by a crash: a record with
     * the same name, size, SHA-256 and piece size whose owner process no longer runs (or is this
     * one). The record is rewritten with this process as its owner, and the part opened for
     * writing; {@link #done()} names the pieces that need no fetching. Null if there is none.
     * File thread.
     */
    public static PartialFile resume(Path root, String name, long size, String peer, String sha256, long pieceBytes)
            throws IOException {
        for (String id : ids(root)) {
            Path rec = root.resolve(recordName(id));
            Path part = root.resolve(partName(id));
            List<String> lines = keptFor(rec, part, name, size, sha256, pieceBytes);
            if (lines == null) {
                continue;
            }
            PartialFile p = new PartialFile(root, name, size, peer, sha256, pieceBytes);
            if ("1".equals(text(lines, "end"))) {
                p.done.or(parseRanges(text(lines, "done"), (int) ((size + pieceBytes - 1) / pieceBytes)));
            }
            p.id = id;
            p.record = rec;
            p.part = part;
            p.channel = FileChannel.open(part, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            p.fileKey = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            Files.write(rec, p.recordText().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            return p;
        }
        return null;
    }

    /**
     * True if a download of {@code name} ({@code size} bytes, this SHA-256, these pieces) is kept
     * for resume and {@link #resume} would take it up: a request then asks for the missing pieces
     * by ranges rather than for the whole file. File thread.
     */
    public static boolean isKept(Path root, String name, long size, String sha256, long pieceBytes) throws IOException {
        for (String id : ids(root)) {
            if (keptFor(root.resolve(recordName(id)), root.resolve(partName(id)), name, size, sha256, pieceBytes) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lines of {@code rec} if it keeps a download of {@code name} with this size, SHA-256 and
     * piece size, owned by no running process but this one, with a regular part no longer than
     * {@code size}; else null.
     */
    private static List<String> keptFor(Path rec, Path part, String name, long size, String sha256, long pieceBytes)
            throws IOException {
        List<String> lines = readRecord(rec);
        if (lines == null || !name.equals(text(lines, "name")) || field(lines, "size") != size
                || !sha256.equals(text(lines, "sha256")) || field(lines, "piece") != pieceBytes
                || (ownerRuns(rec) && field(lines, "pid") != ProcessHandle.current().pid())) {
            return null;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        return a.isRegularFile() && a.size() <= size ? lines : null;
    }

    /**
     * Deletes the downloads of {@code name} kept for resume whose owner no longer runs (or is this
     * process): what {@code cancel} does when no download of that name runs. File thread.
     *
     * @return how many were deleted
     */
    public static int discardKept(Path root, String name) throws IOException {
        int n = 0;
        for (String id : ids(root)) {
            Path rec = root.resolve(recordName(id));
            List<String> lines = readRecord(rec);
            if (lines != null && name.equals(text(lines, "name")) && text(lines, "sha256") != null
                    && (!ownerRuns(rec) || field(lines, "pid") == ProcessHandle.current().pid())) {
                Files.deleteIfExists(root.resolve(partName(id)));
                Files.deleteIfExists(rec);
                n++;
            }
        }
        return n;
    }

    /** {@code 0-3,5-5,9-12}: each run of set bits as {@code first-last}, ascending (a cut keeps a subset or breaks it). */
    static String ranges(BitSet bits) {
        StringBuilder b = new StringBuilder();
        for (int i = bits.nextSetBit(0); i >= 0; ) {
            int end = bits.nextClearBit(i);
            b.append(b.length() == 0 ? "" : ",").append(i).append('-').append(end - 1);
            i = bits.nextSetBit(end);
        }
        return b.toString();
    }

    /** The pieces {@link #ranges} wrote, all below {@code pieces}; nothing at all if any run is malformed. */
    static BitSet parseRanges(String text, int pieces) {
        BitSet out = new BitSet();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String run : text.split(",")) {
            int dash = run.indexOf('-');
            try {
                int first = Integer.parseInt(run.substring(0, Math.max(dash, 0)));
                int last = Integer.parseInt(run.substring(dash + 1));
                if (dash <= 0 || first < 0 || last < first || last >= pieces) {
                    return new BitSet();
                }
                out.set(first, last + 1);
            } catch (NumberFormatException e) {
                return new BitSet();
            }
        }
        return out;
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
        Set<String> ids = ids(root);
        Instant old = Instant.now().minus(SWEEP_AFTER);
        int removed = 0;
        for (String id : ids) {
            Path part = root.resolve(partName(id));
            Path rec = root.resolve(recordName(id));
            if (changedSince(part, old) || changedSince(rec, old)) {
                continue;
            }
            boolean hasRecord = Files.exists(rec, LinkOption.NOFOLLOW_LINKS);
            if (hasRecord && Files.exists(part, LinkOption.NOFOLLOW_LINKS) && resumableRecord(rec)) {
                continue; // kept for resume (issue 12): asking for the file again takes it up; cancel deletes it
            }
            if (!hasRecord || !ownerRuns(rec)) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(rec);
                removed++;
            }
        }
        return removed;
    }

    /** The ids of our partial files and records in {@code root}. */
    private static Set<String> ids(Path root) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(root,
                p -> Names.isOurPartialFile(p.getFileName().toString()))) {
            for (Path p : all) {
                ids.add(p.getFileName().toString().substring(Names.PARTIAL_PREFIX.length(),
                        Names.PARTIAL_PREFIX.length() + Names.PARTIAL_ID_HEX));
            }
        }
        return ids;
    }

    /** A record's lines, or null if it is gone or no record of ours. */
    private static List<String> readRecord(Path record) throws IOException {
        try {
            List<String> lines = Files.readAllLines(record, StandardCharsets.UTF_8);
            return lines.isEmpty() || !lines.get(0).equals(FORMAT) ? null : lines;
        } catch (NoSuchFileException | CharacterCodingException e) {
            return null;
        }
    }

    /** True for a record that names a digest: a download kept for resume. */
    static boolean resumableRecord(Path record) throws IOException {
        List<String> lines = readRecord(record);
        return lines != null && text(lines, "sha256") != null && field(lines, "piece") > 0;
    }

    private static String text(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
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
