package p2pnio.bench.servers;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import p2pnio.transfer.Transfers;

/**
 * The "limit": a raw JDK sender and receiver in one process with no protocol at all. The sender
 * {@code transferTo}s a whole file into each accepted socket and closes; the receiver reads it
 * with one of the two {@link Receive} strategies into a file. No node can beat this by much.
 */
public final class RawPair implements AutoCloseable {

    /** How the receiver moves bytes from the socket into the file. */
    public enum Receive {
        /** Read into one reused direct buffer, write the buffer to the file: what the node does. */
        directBuffer,
        /** {@code FileChannel.transferFrom(socket, position, count)}. */
        transferFrom
    }

    private final ServerSocketChannel server;
    private final Path file;
    private final Thread sender;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Transfers.SCRATCH_BYTES);

    /** Starts the sender on 127.0.0.1 for {@code file}. */
    public RawPair(Path file) {
        this.file = file;
        try {
            server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sender = new Thread(this::sendLoop, "raw-sender");
        sender.setDaemon(true);
        sender.start();
    }

    private void sendLoop() {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept(); FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                long at = 0;
                while (at < size) {
                    at += in.transferTo(at, size - at, ch);
                }
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            }
        }
    }

    /**
     * Receives one whole file of {@code size} bytes into {@code out} (from position 0) with
     * {@code how}; returns the bytes received. A null {@code out} drops the bytes (direct buffer
     * only: {@code transferFrom} needs a file).
     */
    public long receive(Receive how, FileChannel out, long size) throws IOException {
        if (out == null && how != Receive.directBuffer) {
            throw new IllegalArgumentException("only the direct buffer can drop what it reads");
        }
        try (SocketChannel ch = SocketChannel.open(server.getLocalAddress())) {
            long at = 0;
            if (how == Receive.directBuffer) {
                while (true) {
                    buf.clear();
                    if (ch.read(buf) < 0) {
                        break;
                    }
                    buf.flip();
                    if (out == null) {
                        at += buf.remaining();
                        continue;
                    }
                    while (buf.hasRemaining()) {
                        at += out.write(buf, at);
                    }
                }
            } else {
                long n;
                while (at < size && (n = out.transferFrom(ch, at, size - at)) > 0) {
                    at += n;
                }
                buf.clear();
                if (ch.read(buf) >= 0) {
                    throw new IOException("bytes past the file's end");
                }
            }
            if (at != size) {
                throw new EOFException(at + " of " + size + " bytes");
            }
            return at;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
