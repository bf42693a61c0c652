package p2pnio.share;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Task;
import p2pnio.wire.Names;

/**
 * The SHA-256 of every shared file, computed off the loop and kept across restarts.
 *
 * <p><b>Thread.</b> Hashing runs on a thread of its own (the node's {@code p2p-hash}): not the
 * loop, which must never spend seconds on a file; not the file thread, where hashing a 1 GiB
 * file (about 0.7 s of a core: SHA-256 with the JDK's intrinsics runs at about 1.5 GB/s here,
 * longer when the cores are shared) would hold up every upload's open and every download's finish
 * queued behind it; not the scan thread, where it would delay the rescan that a
 * {@code Get} for a new file waits for. Results come back to the loop through its mailbox, one per
 * file, so small files are answered with their digest while a large one is still being hashed.
 *
 * <p><b>Cache.</b> A digest is keyed by the file's path, size and modification time: a file whose
 * size or time changed is hashed again at the next scan that sees it. The known digests are kept
 * in {@value Names#DIGEST_CACHE} at the top of the shared folder (never indexed nor served:
 * {@link Names#isPartialFile}), so a restart hashes nothing that did not change. Format, UTF-8
 * text: the line {@code p2pnio digests 1}, then one line per file,
 * {@code <sha256> <size> <mtime ms> <path relative to the folder>}. Bounded: at most
 * {@value #MAX_ENTRIES} lines are read or written and a file larger than {@value #MAX_CACHE_BYTES}
 * bytes is ignored; only files of the latest scan are written back. It is written whole to
 * {@code .p2p-digests.tmp} and moved over the old one after each batch of hashing. A folder where
 * it cannot be written still gets its digests, for this run only (a warning says so once).
 *
 * <p>Loop thread only, but for what runs on the hash thread (marked so).
 */
public final class Digests {

    /** Most files the cache file holds. */
    public static final int MAX_ENTRIES = 100_000;
    /** Largest cache file read. */
    public static final long MAX_CACHE_BYTES = 16L << 20;
    private static final String FORMAT = "p2pnio digests 1";
    private static final int CHUNK = 1 << 20;
    /** Each hashing thread's read buffer (see {@link #update}), kept for the thread's life. */
    private static final ThreadLocal<ByteBuffer> READS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

    /** A digest and the file version it is of. */
    public record Known(long size, long modified, String sha256) { }

    /** Hears, on the loop, that the cache file could not be read or written. */
    public interface Problems {
        void cacheProblem(String what);
    }

    private final Path root;
    private final EventLoop loop;
    private final Executor hashThread;
    /** Loop side: what is known, by path. */
    private final Map<Path, Known> known = new HashMap<>();
    /** Loop side: paths handed to the hash thread and not back yet. */
    private final Set<Path> queued = new HashSet<>();
    /** Loop side: who waits for the digest of a queued path (answers held back, {@link #await}). */
    private final Map<Path, List<Runnable>> waiters = new HashMap<>();
    private Problems problems = what -> { };
    private int hashed;
    private int fromCache;
    /** Hash thread side: the cache file's content, read once. */
    private Map<Path, Known> cache;
    private boolean cacheWarned;

    /**
     * @param root       the shared folder's real path
     * @param loop       the loop that owns this
     * @param hashThread one thread, where files are hashed and the cache file read and written
     */
    public Digests(Path root, EventLoop loop, Executor hashThread) {
        this.root = root;
        this.loop = loop;
        this.hashThread = hashThread;
    }

    /** Sets who hears of cache problems. */
    public void onProblems(Problems problems) {
        this.problems = problems;
    }

    /** The digest of {@code entry} as indexed (same size and time), or null if not known yet. */
    public String of(SharedFolder.Entry entry) {
        Known k = known.get(entry.path());
        return k != null && k.size() == entry.size() && k.modified() == entry.modified() ? k.sha256() : null;
    }

    /** Files hashed by this run so far, and digests taken from the cache file. */
    public int hashed() {
        return hashed;
    }

    /** Digests taken from the cache file so far. */
    public int fromCache() {
        return fromCache;
    }

    /** Files waiting to be hashed. */
    public int queued() {
        return queued.size();
    }

    /**
     * Runs {@code then} on the loop once the digest of {@code entry} is known or cannot be had
     * (it vanished, it changed), or after {@code maxWaitNanos}, whichever comes first; at once
     * if it is not being hashed. Whoever waits reads {@link #of} then.
     */
    public void await(SharedFolder.Entry entry, long maxWaitNanos, Runnable then) {
        if (of(entry) != null || !queued.contains(entry.path())) {
            then.run();
            return;
        }
        boolean[] ran = new boolean[1];
        Runnable once = () -> {
            if (!ran[0]) {
                ran[0] = true;
                then.run();
            }
        };
        waiters.computeIfAbsent(entry.path(), p -> new ArrayList<>()).add(once);
        loop.schedule(maxWaitNanos, "answer waits for the digest of '" + entry.name() + "'", once);
    }

    /** A scan found {@code entries}: hash those whose digest is not known, off the loop. */
    public void refresh(Collection<SharedFolder.Entry> entries) {
        List<SharedFolder.Entry> todo = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (SharedFolder.Entry e : entries) {
            paths.add(e.path());
            if (of(e) == null && queued.add(e.path())) {
                todo.add(e);
            }
        }
        known.keySet().retainAll(new HashSet<>(paths));
        if (todo.isEmpty()) {
            return;
        }
        hashThread.execute(() -> hashAll(todo, paths));
    }

    /** Hash thread: the digests of {@code todo}, each sent to the loop as it is ready; then the cache file. */
    private void hashAll(List<SharedFolder.Entry> todo, List<Path> all) {
        if (cache == null) {
            cache = readCache();
        }
        for (SharedFolder.Entry e : todo) {
            if (Thread.currentThread().isInterrupted()) {
                break; // the node stops: the rest is hashed by its next run
            }
            Known k = cache.get(e.path());
            boolean cached = k != null && k.size() == e.size() && k.modified() == e.modified();
            if (!cached) {
                try {
                    k = hash(e.path(), e.size(), e.modified());
                } catch (IOException ex) {
                    k = null; // vanished or changed meanwhile: the next scan sees it again
                }
            }
            Known result = k;
            if (result != null) {
                cache.put(e.path(), result);
            }
            loop.executeAlways(Task.of("digest of '" + e.name() + "'", () -> {
                queued.remove(e.path());
                if (result != null) {
                    known.put(e.path(), result);
                    if (cached) {
                        fromCache++;
                    } else {
                        hashed++;
                    }
                }
                List<Runnable> waiting = waiters.remove(e.path());
                if (waiting != null) {
                    waiting.forEach(Runnable::run);
                }
            }));
        }
        cache.keySet().retainAll(new HashSet<>(all));
        // Written whole even when the node stops (its close waits for it): an interrupt would cut
        // the write short and leave the temporary file behind in the folder.
        boolean stopping = Thread.interrupted();
        writeCache();
        if (stopping) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The SHA-256 of the file at {@code path}, if it still has {@code size} and {@code modified}
     * before and after reading (else it changed meanwhile: IOException). Any thread; blocks.
     */
    public static Known hash(Path path, long size, long modified) throws IOException {
        String sha;
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            sha = sha256(in, size);
        }
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (after.size() != size || after.lastModifiedTime().toMillis() != modified) {
            throw new IOException(path + " changed while it was hashed");
        }
        return new Known(size, modified, sha);
    }

    /**
     * The SHA-256 of the first {@code size} bytes of {@code in}, in hex (IOException if it is
     * shorter). Any thread; blocks.
     */
    public static String sha256(FileChannel in, long size) throws IOException {
        MessageDigest sha = sha256();
        update(sha, in, 0, size, () -> false);
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Feeds bytes [{@code from}, {@code to}) of {@code in} to {@code sha}, read at their positions,
     * {@value #CHUNK} bytes at a time, into the calling thread's direct buffer, until
     * {@code stop} says so; returns where it stopped. IOException if the file ends before
     * {@code to}. Any thread; blocks.
     *
     * <p>Why a direct buffer: a read into it copies each byte once (into a heap buffer the JDK
     * reads into a temporary direct one and copies again), and {@link MessageDigest#update(ByteBuffer)}
     * feeds it to SHA-256 through a 4 KiB array, 256 calls per MiB, a path C2 compiles with the
     * SHA-256 intrinsic within the first MiBs; a 1 MiB heap array is one call per MiB (the verify
     * thread's slow start before: docs/bench/analysis.md, benchmark 8).
     */
    static long update(MessageDigest sha, FileChannel in, long from, long to, java.util.function.BooleanSupplier stop)
            throws IOException {
        ByteBuffer buf = READS.get();
        long at = from;
        while (at < to && !stop.getAsBoolean()) {
            buf.clear();
            buf.limit((int) Math.min(CHUNK, to - at));
            int n = in.read(buf, at);
            if (n < 0) {
                throw new IOException("the file ends at " + at + " bytes, " + to + " expected");
            }
            buf.flip();
            sha.update(buf);
            at += n;
        }
        return at;
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The short form shown to users: {@code sha256:} and the first 12 hex digits. */
    public static String shortForm(String sha256) {
        return sha256 == null || sha256.isEmpty() ? "-" : "sha256:" + sha256.substring(0, Math.min(12, sha256.length()));
    }

    private Path cacheFile() {
        return root.resolve(Names.DIGEST_CACHE);
    }

    /** Hash thread: the cache file's entries (none if it is missing, too large or of another format). */
    private Map<Path, Known> readCache() {
        Map<Path, Known> read = new HashMap<>();
        Path file = cacheFile();
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_CACHE_BYTES) {
                return read;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(FORMAT)) {
                return read;
            }
            int damaged = 0;
            for (int i = 1; i < lines.size() && read.size() < MAX_ENTRIES; i++) {
                String[] f = lines.get(i).split(" ", 4);
                if (f.length == 4 && f[0].length() == 64 && p2pnio.wire.ControlCodec.isDigest(f[0])) {
                    try {
                        Path p = root.resolve(f[3]).normalize();
                        if (p.startsWith(root)) {
                            read.put(p, new Known(Long.parseLong(f[1]), Long.parseLong(f[2]), f[0]));
                        }
                    } catch (RuntimeException bad) {
                        damaged++; // that file is hashed again
                    }
                } else {
                    damaged++;
                }
            }
            if (damaged > 0) {
                warn(damaged + " damaged line(s) in the digest cache " + file + ": those files are hashed again");
            }
        } catch (IOException e) {
            warn("could not read the digest cache " + file + ": " + e.getMessage());
        }
        return read;
    }

    /** Hash thread: writes the cache file whole, through a temporary file. */
    private void writeCache() {
        Path file = cacheFile();
        Path tmp = root.resolve(Names.DIGEST_CACHE_TMP);
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(FORMAT);
                w.write('\n');
                int n = 0;
                for (Map.Entry<Path, Known> e : cache.entrySet()) {
                    if (n++ >= MAX_ENTRIES) {
                        break;
                    }
                    Known k = e.getValue();
                    String relative = root.relativize(e.getKey()).toString();
                    if (relative.indexOf('\n') >= 0 || relative.indexOf('\r') >= 0) {
                        continue; // would break the line format: hashed again at the next start
                    }
                    w.write(k.sha256() + " " + k.size() + " " + k.modified() + " " + relative + "\n");
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            warn("could not write the digest cache " + file + " (digests are kept for this run only): " + e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException again) {
                warn("could not delete " + tmp + ": " + again.getMessage());
            }
        }
    }

    private void warn(String what) {
        if (!cacheWarned) {
            cacheWarned = true;
            loop.executeAlways(Task.of("digest cache problem", () -> problems.cacheProblem(what)));
        }
    }
}
