package p2pnio.watch;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The default file system, seen through paths that log every file operation with its thread
 * ({@link Watch}): give a node a folder from {@link #watch(Path)} and everything it derives from
 * it (resolve, real path, a file it opens, links, renames or deletes, a folder it lists) goes through
 * here. File channels it opens are watched too (read, write, {@code transferTo}); a
 * {@code transferTo} into a watched socket is made on the real one, so {@code sendfile} still runs.
 * The file-system calls may be made slow ({@link #slowDown}), to show that the loop never waits
 * for one ({@code OffLoopFilesTest}).
 */
public final class WatchedFileSystem extends FileSystem {

    private static final FileSystem REAL = FileSystems.getDefault();
    private static final WatchedFileSystem INSTANCE = new WatchedFileSystem();
    private final Provider provider = new Provider();

    /** How much longer each file-system call takes now, as on a busy or network disk (0: none). */
    private static volatile long slowMillis;

    private WatchedFileSystem() {
    }

    /**
     * Makes every file-system call from now on (open, create, link, delete, list, attributes,
     * free space, real path; not the reads and writes of a file already open) take at least
     * {@code millis} longer, as a busy disk does; 0 ends it.
     */
    public static void slowDown(long millis) {
        slowMillis = millis;
    }

    /** Logs a file-system call ({@link Watch}), then makes it as slow as {@link #slowDown} says. */
    static void call(String what) {
        Watch.record(what);
        long d = slowMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code path} (of the default file system) as a watched path. */
    public static Path watch(Path path) {
        return INSTANCE.wrap(path);
    }

    WatchedPath wrap(Path real) {
        return real == null ? null : new WatchedPath(this, real);
    }

    static Path unwrap(Path p) {
        return p instanceof WatchedPath w ? w.real : p;
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the default file system cannot be closed");
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return REAL.getSeparator();
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return () -> iterate(REAL.getRootDirectories().iterator());
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return REAL.getFileStores();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return REAL.supportedFileAttributeViews();
    }

    @Override
    public Path getPath(String first, String... more) {
        return wrap(REAL.getPath(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        PathMatcher m = REAL.getPathMatcher(syntaxAndPattern);
        return p -> m.matches(unwrap(p));
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return REAL.getUserPrincipalLookupService();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("not watched");
    }

    private Iterator<Path> iterate(Iterator<Path> real) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return real.hasNext();
            }

            @Override
            public Path next() {
                return wrap(real.next());
            }
        };
    }

    /** Forwards every operation to the default provider with the real paths, logging it first. */
    private final class Provider extends FileSystemProvider {

        private final FileSystemProvider real = REAL.provider();

        @Override
        public String getScheme() {
            return "watched";
        }

        @Override
        public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileSystem getFileSystem(URI uri) {
            return WatchedFileSystem.this;
        }

        @Override
        public Path getPath(URI uri) {
            return wrap(real.getPath(uri));
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                FileAttribute<?>... attrs) throws IOException {
            return newFileChannel(path, options, attrs);
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            call("file open " + name(path));
            return new WatchedFileChannel(real.newFileChannel(unwrap(path), options, attrs), name(path));
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            call("file list " + name(dir));
            DirectoryStream<Path> stream = real.newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    return iterate(stream.iterator());
                }

                @Override
                public void close() throws IOException {
                    stream.close();
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            call("file mkdir " + name(dir));
            real.createDirectory(unwrap(dir), attrs);
        }

        @Override
        public void delete(Path path) throws IOException {
            call("file delete " + name(path));
            real.delete(unwrap(path));
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            call("file delete " + name(path));
            return real.deleteIfExists(unwrap(path));
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) throws IOException {
            call("file copy " + name(source));
            real.copy(unwrap(source), unwrap(target), options);
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            call("file move " + name(source));
            real.move(unwrap(source), unwrap(target), options);
        }

        @Override
        public boolean isSameFile(Path path, Path path2) throws IOException {
            return real.isSameFile(unwrap(path), unwrap(path2));
        }

        @Override
        public boolean isHidden(Path path) throws IOException {
            return real.isHidden(unwrap(path));
        }

        @Override
        public FileStore getFileStore(Path path) throws IOException {
            call("file store " + name(path));
            return real.getFileStore(unwrap(path));
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            call("file access " + name(path));
            real.checkAccess(unwrap(path), modes);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return real.getFileAttributeView(unwrap(path), type, options);
        }

        @Override
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            call("file attributes " + name(path));
            return real.readAttributes(unwrap(path), type, options);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
                throws IOException {
            call("file attributes " + name(path));
            return real.readAttributes(unwrap(path), attributes, options);
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
            call("file setAttribute " + name(path));
            real.setAttribute(unwrap(path), attribute, value, options);
        }

        @Override
        public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
            call("file link " + name(link));
            real.createSymbolicLink(unwrap(link), unwrap(target), attrs);
        }

        @Override
        public void createLink(Path link, Path existing) throws IOException {
            call("file hardlink " + name(link));
            real.createLink(unwrap(link), unwrap(existing));
        }

        @Override
        public Path readSymbolicLink(Path link) throws IOException {
            call("file readlink " + name(link));
            return wrap(real.readSymbolicLink(unwrap(link)));
        }

        private String name(Path p) {
            Path f = unwrap(p).getFileName();
            return f == null ? p.toString() : f.toString();
        }
    }
}
