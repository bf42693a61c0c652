package p2pnio.watch;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A path of the {@link WatchedFileSystem}: the real path, and every path derived from it watched too. */
final class WatchedPath implements Path {

    private final WatchedFileSystem fs;
    final Path real;

    WatchedPath(WatchedFileSystem fs, Path real) {
        this.fs = fs;
        this.real = real;
    }

    private Path w(Path p) {
        return fs.wrap(p);
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
        return w(real.getRoot());
    }

    @Override
    public Path getFileName() {
        return w(real.getFileName());
    }

    @Override
    public Path getParent() {
        return w(real.getParent());
    }

    @Override
    public int getNameCount() {
        return real.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return w(real.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return w(real.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return real.startsWith(WatchedFileSystem.unwrap(other));
    }

    @Override
    public boolean endsWith(Path other) {
        return real.endsWith(WatchedFileSystem.unwrap(other));
    }

    @Override
    public Path normalize() {
        return w(real.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return w(real.resolve(WatchedFileSystem.unwrap(other)));
    }

    @Override
    public Path relativize(Path other) {
        return w(real.relativize(WatchedFileSystem.unwrap(other)));
    }

    @Override
    public URI toUri() {
        return real.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return w(real.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        WatchedFileSystem.call("file realpath " + real.getFileName());
        return w(real.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("not watched");
    }

    @Override
    public int compareTo(Path other) {
        return real.compareTo(WatchedFileSystem.unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WatchedPath p && p.real.equals(real);
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
