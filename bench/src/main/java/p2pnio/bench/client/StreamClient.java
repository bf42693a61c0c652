package p2pnio.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import p2pnio.transfer.Transfers;
import p2pnio.wire.HeaderParser;

/**
 * The one client of the TLS benchmark: the transfer protocol ({@code Get,<name>\n}, the 74-byte
 * header, the body) over a JDK {@link SSLSocket} (TLS 1.3, with the {@code SSLContext} it is given:
 * its certificate offered, only the server's accepted) or over a plain {@link Socket}, the same
 * code either way. Every server of that benchmark is read by this client, so the client's own
 * decryption and copies weigh the same on each; what differs is the server. It reads the body
 * into a reused array of the node's read-buffer size, writes it to the file, and reads on to the
 * server's close ({@code close_notify}, then the end of the stream), so the server closes first.
 *
 * <p>One instance per thread: it owns its buffer.
 */
public final class StreamClient {

    private final byte[] buf = new byte[Transfers.SCRATCH_BYTES];

    /**
     * Fetches {@code name} from {@code server} over TLS with {@code tls}, or plain TCP when it is
     * null; writes the body from position 0 of {@code out}. Returns the body's size.
     *
     * @throws IOException on any failure, including a refused handshake or a body shorter than its header said
     */
    public long fetch(InetSocketAddress server, String name, FileChannel out, SSLContext tls) throws IOException {
        try (Socket s = tls == null ? new Socket(server.getAddress(), server.getPort()) : secure(tls, server)) {
            s.getOutputStream().write(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            HeaderParser header = new HeaderParser();
            long size = -1;
            long received = 0;
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                if (size < 0) {
                    HeaderParser.Status st = header.feed(b);
                    if (st == HeaderParser.Status.NEED_MORE) {
                        continue;
                    }
                    if (st == HeaderParser.Status.ERROR) {
                        throw new IOException("bad header: " + header.error());
                    }
                    size = header.header().size();
                }
                long at = received;
                received += b.remaining();
                while (b.hasRemaining()) {
                    at += out.write(b, at);
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

    private static SSLSocket secure(SSLContext tls, InetSocketAddress server) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(server.getAddress(), server.getPort());
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.startHandshake();
        return s;
    }
}
