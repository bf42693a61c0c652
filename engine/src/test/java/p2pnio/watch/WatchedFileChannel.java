package p2pnio.watch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that logs every call with its thread. {@code transferTo} into a watched socket
 * is made on the real socket, so the kernel's {@code sendfile} path is the one the node uses.
 */
final class WatchedFileChannel extends FileChannel {

    private final FileChannel real;
    private final String name;

    WatchedFileChannel(FileChannel real, String name) {
        this.real = real;
        this.name = name;
    }

    private void record(String what) {
        Watch.record("file " + what + " " + name);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        record("read");
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        record("read");
        return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        record("write");
        return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        record("write");
        return real.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        record("size");
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        record("truncate");
        real.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        record("force");
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        record("transferTo");
        WritableByteChannel to = target instanceof WatchedSocketChannel s ? s.real : target;
        return real.transferTo(position, count, to);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        record("transferFrom");
        ReadableByteChannel from = src instanceof WatchedSocketChannel s ? s.real : src;
        return real.transferFrom(from, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        record("read");
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        record("write");
        return real.write(src, position);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        record("map");
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException("not watched");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        throw new UnsupportedOperationException("not watched");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        record("close");
        real.close();
    }
}
