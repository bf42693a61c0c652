package p2pnio.share;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Task;
import p2pnio.wire.Names;

/**
 * The shared folder: an index of its files by base name, and safe ways to open them.
 *
 * <p><b>Index.</b> Every regular file anywhere under the folder is indexed by its base name
 * (sub-folders are flattened, as in the reference node; when two files share a name, the one
 * nearest the top wins, then the first in path order). Scanning a large folder takes tens of
 * milliseconds, too long for the loop, so scans run on a background thread and their result is
 * handed to the loop through its mailbox. A look-up that misses waits for a fresh scan (so new
 * files are found), at most one scan a second.
 *
 * <p><b>Policy.</b> Symbolic links are neither followed nor served, wherever they point: a link
 * inside the folder to a file outside it must not leak that file, and a link to a file inside
 * adds nothing. Partial downloads ({@link Names#isPartialFile}: ours, {@code .p2p-<id>.part} and
 * its record, and a reference-style client's {@code downloading_*}) are never served.
 * Opening a file checks again that its real path is inside the folder, so a directory swapped
 * for a link after the scan cannot lead outside.
 *
 * <p>Loop thread only, except {@link #scan}, which is pure, and {@link Reader}.
 */
public final class SharedFolder {

    /** One shared file: its size and modification time (epoch ms) when the scan saw it. */
    public record Entry(String name, Path path, long size, long modified) {
        /** A file whose time is not known (its digest is then never taken as current). */
        public Entry(String name, Path path, long size) {
            this(name, path, size, -1);
        }
    }

    /** What a walk of the folder found: files by base name, and how many paths it could not read. */
    public record Scan(Map<String, Entry> files, int unreadable, IOException firstProblem) { }

    /** Hears, on the loop, of paths a scan could not read (they are skipped, not fatal). */
    public interface Problems {
        void unreadable(int paths, IOException first);
    }

    private static final int MAX_DEPTH = 32;
    private static final int MAX_WAITERS = 10_000;
    private static final long MIN_RESCAN_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path root;
    private final EventLoop loop;
    private final Executor background;
    private Map<String, Entry> index = new HashMap<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int scansStarted;
    private boolean scanning;
    private boolean scanScheduled;
    private long lastScanEnded = Long.MIN_VALUE / 2;
    private long lastScanNanos;
    private int scansDone;
    private Problems problems = (paths, first) -> { };
    private Digests digests;

    private record Waiter(String name, int afterScan, Consumer<Entry> callback) { }

    /**
     * @param root       the folder (must exist)
     * @param loop       the loop that owns this index
     * @param background where scans run
     */
    public SharedFolder(Path root, EventLoop loop, Executor background) throws IOException {
        this.root = root.toRealPath();
        this.loop = loop;
        this.background = background;
    }

    /** Sets who hears of paths a scan could not read. */
    public void onProblems(Problems problems) {
        this.problems = problems;
    }

    /** Hashes every file a scan finds with {@code digests} (off the loop). */
    public void hashWith(Digests digests) {
        this.digests = digests;
    }

    /** The SHA-256 (hex) of {@code entry} as indexed, or null if not known yet (or not hashed at all). */
    public String digest(Entry entry) {
        return digests == null ? null : digests.of(entry);
    }

    /** The digests, or null if this folder does not hash. */
    public Digests digests() {
        return digests;
    }

    /** The folder's real path. */
    public Path root() {
        return root;
    }

    /** Starts a scan now (at start-up, and when asked to list the files). */
    public void rescan() {
        startScan();
    }

    /**
     * Finds the file called {@code baseName}; calls {@code callback} on the loop with it, or with
     * null when no such file exists after a fresh scan. Calls back at once on a hit.
     */
    public void lookup(String baseName, Consumer<Entry> callback) {
        Entry hit = index.get(baseName);
        if (hit != null) {
            callback.accept(hit);
            return;
        }
        if (waiters.size() >= MAX_WAITERS) {
            callback.accept(null);
            return;
        }
        waiters.add(new Waiter(baseName, scansStarted, callback));
        scheduleScan();
    }

    /** Adds a file the node just wrote (a finished download) without waiting for a scan. */
    public void added(String name, Path path, long size) {
        added(new Entry(name, path, size));
    }

    /** Adds a file the node just wrote, with its time (and, known from a verified download, its digest). */
    public void added(Entry entry) {
        index.put(entry.name(), entry);
    }

    /** The indexed files, by name. */
    public Collection<Entry> entries() {
        List<Entry> all = new ArrayList<>(index.values());
        all.sort(Comparator.comparing(Entry::name));
        return all;
    }

    /** Files in the index. */
    public int size() {
        return index.size();
    }

    /** How long the last scan took, nanoseconds (measured on the background thread). */
    public long lastScanNanos() {
        return lastScanNanos;
    }

    /** Scans completed so far. */
    public int scansDone() {
        return scansDone;
    }

    /** A reader of {@code entry}, to be opened off the loop ({@link Reader#open}). */
    public Reader reader(Entry entry) {
        return new Reader(root, entry);
    }

    /**
     * A shared file opened for an upload. Made on the loop; {@link #open} and {@link #close} run
     * on the node's file thread, since opening walks the path and may stall on the disk; the
     * loop reads through {@link #channel()} in between. Opening refuses anything that is no longer
     * a regular file inside the folder (a link, a vanished file, a path that now resolves outside).
     */
    public static final class Reader {
        private final Path root;
        private final Entry entry;
        private FileChannel channel;
        private long size = -1;

        Reader(Path root, Entry entry) {
            this.root = root;
            this.entry = entry;
        }

        /** Opens the file and reads its size. File thread. */
        public Reader open() throws IOException {
            Path path = entry.path();
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("'" + entry.name() + "' is no longer a regular file in the folder");
            }
            if (!path.toRealPath().startsWith(root)) {
                throw new IOException("'" + entry.name() + "' resolves outside the shared folder");
            }
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            size = channel.size();
            return this;
        }

        /** The open file; the loop reads it between {@link #open} and {@link #close}. */
        public FileChannel channel() {
            return channel;
        }

        /** Its size when opened. */
        public long size() {
            return size;
        }

        /** The file as indexed. */
        public Entry entry() {
            return entry;
        }

        /** Closes the file if it was opened; safe at any time, more than once. File thread. */
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }

    private void scheduleScan() {
        if (scanning || scanScheduled) {
            return;
        }
        long wait = lastScanEnded + MIN_RESCAN_NANOS - loop.now();
        if (wait <= 0) {
            startScan();
        } else {
            scanScheduled = true;
            loop.schedule(wait, "index rescan", () -> {
                scanScheduled = false;
                startScan();
            });
        }
    }

    private void startScan() {
        if (scanning) {
            return;
        }
        scanning = true;
        int number = ++scansStarted;
        background.execute(() -> {
            long t0 = System.nanoTime();
            Scan fresh = walk(root);
            long took = System.nanoTime() - t0;
            loop.executeAlways(Task.of("index scan " + number + " finished", () -> scanFinished(number, fresh, took)));
        });
    }

    private void scanFinished(int number, Scan fresh, long took) {
        index = fresh.files();
        if (digests != null) {
            digests.refresh(index.values());
        }
        if (fresh.unreadable() > 0) {
            problems.unreadable(fresh.unreadable(), fresh.firstProblem());
        }
        scanning = false;
        scansDone++;
        lastScanNanos = took;
        lastScanEnded = loop.now();
        int remaining = waiters.size();
        for (int i = 0; i < remaining; i++) {
            Waiter w = waiters.poll();
            if (w.afterScan < number) {
                w.callback.accept(index.get(w.name));
            } else {
                waiters.add(w);
            }
        }
        if (!waiters.isEmpty()) {
            scheduleScan();
        }
    }

    /**
     * Walks {@code root} without following links and returns its regular files by base name.
     * Unreadable sub-folders are skipped ({@link #walk} counts them). Pure: safe on any thread.
     */
    public static Map<String, Entry> scan(Path root) {
        return walk(root).files();
    }

    /**
     * Walks {@code root} without following links: its regular files by base name, and the paths
     * that could not be read (skipped, counted). Pure: safe on any thread.
     */
    public static Scan walk(Path root) {
        Map<String, Entry> found = new HashMap<>();
        IOException[] first = new IOException[1];
        int[] unreadable = new int[1];
        Map<String, Integer> depthOf = new HashMap<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (!attrs.isRegularFile()) {
                                return FileVisitResult.CONTINUE;
                            }
                            String name = file.getFileName().toString();
                            if (Names.isPartialFile(name) || Names.whyNotServable(name) != null) {
                                return FileVisitResult.CONTINUE;
                            }
                            int depth = file.getNameCount();
                            Entry old = found.get(name);
                            if (old == null || depth < depthOf.get(name)
                                    || (depth == depthOf.get(name) && file.compareTo(old.path()) < 0)) {
                                found.put(name, new Entry(name, file, attrs.size(), attrs.lastModifiedTime().toMillis()));
                                depthOf.put(name, depth);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            unreadable[0]++;
                            first[0] = first[0] == null ? e : first[0];
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            // walkFileTree only throws for the root itself: an unreadable root shares nothing.
            unreadable[0]++;
            first[0] = first[0] == null ? e : first[0];
        }
        return new Scan(found, unreadable[0], first[0]);
    }
}
