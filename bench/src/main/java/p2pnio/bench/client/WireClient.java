package p2pnio.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import p2pnio.transfer.Transfers;
import p2pnio.wire.HeaderParser;

/**
 * The one client every contender of the transfer benchmarks is measured with: a blocking
 * {@link SocketChannel} that sends {@code Get,<name>\n}, parses the 74-byte header with the
 * engine's {@link HeaderParser}, reads the body into a reused direct buffer of the size the node
 * uses, writes it to a file (or drops it), and reads on to the server's close, so that the server
 * (not this client) closes first and the client's ports never pile up in TIME_WAIT.
 *
 * <p>One instance per thread: it owns its buffer.
 */
public final class WireClient {

    private final ByteBuffer buf = ByteBuffer.allocateDirect(Transfers.SCRATCH_BYTES);

    /**
     * Fetches {@code name} from {@code server}; writes the body from position 0 of {@code out}, or
     * drops it when {@code out} is null. Returns the body's size.
     *
     * @throws IOException on any failure, including a body shorter than its header said
     */
    public long fetch(InetSocketAddress server, String name, FileChannel out) throws IOException {
        try (SocketChannel ch = SocketChannel.open(server)) {
            ch.write(ByteBuffer.wrap(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8)));
            HeaderParser header = new HeaderParser();
            long size = -1;
            long received = 0;
            while (true) {
                buf.clear();
                if (ch.read(buf) < 0) {
                    break;
                }
                buf.flip();
                if (size < 0) {
                    HeaderParser.Status s = header.feed(buf);
                    if (s == HeaderParser.Status.NEED_MORE) {
                        continue;
                    }
                    if (s == HeaderParser.Status.ERROR) {
                        throw new IOException("bad header: " + header.error());
                    }
                    size = header.header().size();
                }
                received += buf.remaining();
                if (out != null) {
                    long at = received - buf.remaining();
                    while (buf.hasRemaining()) {
                        at += out.write(buf, at);
                    }
                }
            }
            if (size < 0) {
                throw new EOFException("'" + name + "': the server closed without a header");
            }
            if (received != size) {
                throw new EOFException("'" + name + "': " + received + " of " + size + " bytes");
            }
            return size;
        }
    }
}
