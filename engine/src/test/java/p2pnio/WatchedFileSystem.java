package p2pnio;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The machine's own file system, seen through a watching wrapper: every call a node makes to it
 * (open, create, link, move, delete, list, read attributes, free space, ...) is recorded with the
 * thread that made it, and may be made slow, as a busy or network disk is. The files are real and
 * the channels it opens are the JDK's own, so {@code transferTo} and writes run as usual; only
 * the calls that go through the provider are watched. Hand a node {@link #path} of a real folder
 * as its folder.
 */
public final class WatchedFileSystem {

    /** One call to the file system: which, on what, from which thread. */
    public record Call(String op, String path, String thread) { }

    private final FileSystem real;
    private final Provider provider = new Provider();
    private final Fs fs = new Fs();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile long delayMillis;

    public WatchedFileSystem(FileSystem real) {
        this.real = real;
    }

    /** {@code real} as a path of the watched file system. */
    public Path path(Path real) {
        return wrap(real);
    }

    /** Every call so far. */
    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Makes every call from now on take at least {@code millis} longer. */
    public void slowDown(long millis) {
        delayMillis = millis;
    }

    private void watch(String op, Path p) {
        calls.add(new Call(op, String.valueOf(p), Thread.currentThread().getName()));
        long d = delayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private WPath wrap(Path p) {
        return p == null ? null : new WPath(p);
    }

    private static Path unwrap(Path p) {
        return p instanceof WPath w ? w.real : p;
    }

    private final class Provider extends FileSystemProvider {
        private FileSystemProvider d() {
            return real.provider();
        }

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
            return fs;
        }

        @Override
        public Path getPath(URI uri) {
            return wrap(d().getPath(uri));
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            watch("newFileChannel " + options, path);
            return d().newFileChannel(unwrap(path), options, attrs);
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                                  FileAttribute<?>... attrs) throws IOException {
            watch("newByteChannel " + options, path);
            return d().newByteChannel(unwrap(path), options, attrs);
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            watch("newDirectoryStream", dir);
            DirectoryStream<Path> inner = d().newDirectoryStream(unwrap(dir), p -> filter.accept(wrap(p)));
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    Iterator<Path> it = inner.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Path next() {
                            return wrap(it.next());
                        }
                    };
                }

                @Override
                public void close() throws IOException {
                    inner.close();
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            watch("createDirectory", dir);
            d().createDirectory(unwrap(dir), attrs);
        }

        @Override
        public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
            watch("createSymbolicLink", link);
            d().createSymbolicLink(unwrap(link), unwrap(target), attrs);
        }

        @Override
        public void createLink(Path link, Path existing) throws IOException {
            watch("createLink", link);
            d().createLink(unwrap(link), unwrap(existing));
        }

        @Override
        public void delete(Path path) throws IOException {
            watch("delete", path);
            d().delete(unwrap(path));
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            watch("deleteIfExists", path);
            return d().deleteIfExists(unwrap(path));
        }

        @Override
        public Path readSymbolicLink(Path link) throws IOException {
            watch("readSymbolicLink", link);
            return wrap(d().readSymbolicLink(unwrap(link)));
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) throws IOException {
            watch("copy", source);
            d().copy(unwrap(source), unwrap(target), options);
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            watch("move", source);
            d().move(unwrap(source), unwrap(target), options);
        }

        @Override
        public boolean isSameFile(Path path, Path path2) throws IOException {
            watch("isSameFile", path);
            return d().isSameFile(unwrap(path), unwrap(path2));
        }

        @Override
        public boolean isHidden(Path path) throws IOException {
            watch("isHidden", path);
            return d().isHidden(unwrap(path));
        }

        @Override
        public FileStore getFileStore(Path path) throws IOException {
            watch("getFileStore", path);
            return d().getFileStore(unwrap(path));
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            watch("checkAccess", path);
            d().checkAccess(unwrap(path), modes);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            watch("getFileAttributeView", path);
            return d().getFileAttributeView(unwrap(path), type, options);
        }

        @Override
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            watch("readAttributes", path);
            return d().readAttributes(unwrap(path), type, options);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
                throws IOException {
            watch("readAttributes " + attributes, path);
            return d().readAttributes(unwrap(path), attributes, options);
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
            watch("setAttribute " + attribute, path);
            d().setAttribute(unwrap(path), attribute, value, options);
        }
    }

    private final class Fs extends FileSystem {
        @Override
        public FileSystemProvider provider() {
            return provider;
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException();
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
            return real.getSeparator();
        }

        @Override
        public Iterable<Path> getRootDirectories() {
            List<Path> roots = new ArrayList<>();
            real.getRootDirectories().forEach(r -> roots.add(wrap(r)));
            return roots;
        }

        @Override
        public Iterable<FileStore> getFileStores() {
            return real.getFileStores();
        }

        @Override
        public Set<String> supportedFileAttributeViews() {
            return real.supportedFileAttributeViews();
        }

        @Override
        public Path getPath(String first, String... more) {
            return wrap(real.getPath(first, more));
        }

        @Override
        public PathMatcher getPathMatcher(String syntaxAndPattern) {
            PathMatcher m = real.getPathMatcher(syntaxAndPattern);
            return p -> m.matches(unwrap(p));
        }

        @Override
        public UserPrincipalLookupService getUserPrincipalLookupService() {
            return real.getUserPrincipalLookupService();
        }

        @Override
        public WatchService newWatchService() {
            throw new UnsupportedOperationException();
        }
    }

    /** A path of the watched file system: the real path inside. */
    private final class WPath implements Path {
        final Path real;

        WPath(Path real) {
            this.real = real;
        }

        @Override
        public FileSystem getFileSystem() {
            return fs;
        }

        @Override
        public boolean isAbsolute() {
            return real.isAbsolute();
        }

        @Override
        public Path getRoot() {
            return wrap(real.getRoot());
        }

        @Override
        public Path getFileName() {
            return wrap(real.getFileName());
        }

        @Override
        public Path getParent() {
            return wrap(real.getParent());
        }

        @Override
        public int getNameCount() {
            return real.getNameCount();
        }

        @Override
        public Path getName(int index) {
            return wrap(real.getName(index));
        }

        @Override
        public Path subpath(int beginIndex, int endIndex) {
            return wrap(real.subpath(beginIndex, endIndex));
        }

        @Override
        public boolean startsWith(Path other) {
            return real.startsWith(unwrap(other));
        }

        @Override
        public boolean endsWith(Path other) {
            return real.endsWith(unwrap(other));
        }

        @Override
        public Path normalize() {
            return wrap(real.normalize());
        }

        @Override
        public Path resolve(Path other) {
            return wrap(real.resolve(unwrap(other)));
        }

        @Override
        public Path relativize(Path other) {
            return wrap(real.relativize(unwrap(other)));
        }

        @Override
        public URI toUri() {
            return real.toUri();
        }

        @Override
        public Path toAbsolutePath() {
            return wrap(real.toAbsolutePath());
        }

        @Override
        public Path toRealPath(LinkOption... options) throws IOException {
            watch("toRealPath", this);
            return wrap(real.toRealPath(options));
        }

        @Override
        public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int compareTo(Path other) {
            return real.compareTo(unwrap(other));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WPath w && w.real.equals(real);
        }

        @Override
        public int hashCode() {
            return real.hashCode();
        }

        @Override
        public String toString() {
            return real.toString();
        }
    }
}
