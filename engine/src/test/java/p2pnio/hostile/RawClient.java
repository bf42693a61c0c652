package p2pnio.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A blocking TCP (or TLS) client that speaks (or abuses) the transfer protocol. */
final class RawClient implements AutoCloseable {

    final Socket socket;
    final InputStream in;

    RawClient(InetSocketAddress server) throws IOException {
        this(server, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for, 0 for the default */
    RawClient(InetSocketAddress server, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(server, 5000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    /** Over {@code connected}, a socket already connected (a TLS one, say: then the bytes are TLS's plaintext). */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        return this;
    }

    RawClient halfClose() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Everything until the server closes. */
    byte[] readAll() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Exactly {@code n} bytes, or fewer if the server closes first. */
    byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True if the server closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
