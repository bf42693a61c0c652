package p2pnio.bench.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import p2pnio.wire.TransferHeader;

/**
 * The classic {@code java.io} server a user might write instead: one thread per connection (a
 * cached pool, so threads are reused), the request read from the socket's stream, and the body
 * copied from a {@code FileInputStream} to the socket's stream through a byte array.
 *
 * <p>With an 8 KiB array it is the "blocking" baseline; with 1 KiB it copies the way the
 * reference node does (a 1 KiB {@code Read}/{@code Write} loop), the "reference-style" baseline.
 */
public final class BlockingServer implements FileServer {

    private static final int MAX_LINE = 2048;

    private final ServerSocket server;
    private final ExecutorService workers;
    private final FileIndex index;
    private final int bufferBytes;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    /** Starts serving {@code folder} on 127.0.0.1, copying through a {@code bufferBytes} array. */
    public BlockingServer(Path folder, int bufferBytes, String name) {
        this.index = new FileIndex(folder);
        this.bufferBytes = bufferBytes;
        try {
            server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-worker");
            t.setDaemon(true);
            return t;
        });
        acceptor = new Thread(this::acceptLoop, name + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                workers.execute(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            byte[] line = new byte[MAX_LINE];
            int n = 0;
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (n == MAX_LINE) {
                    return;
                }
                line[n++] = (byte) b;
            }
            Path file = index.resolve(line, n);
            if (file == null) {
                return;
            }
            OutputStream out = socket.getOutputStream();
            try (InputStream body = Files.newInputStream(file)) {
                out.write(TransferHeader.encode(Files.size(file), file.getFileName().toString()));
                byte[] buf = new byte[bufferBytes];
                int r;
                while ((r = body.read(buf)) >= 0) {
                    out.write(buf, 0, r);
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to serve
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public int connections() {
        return open.size();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close(); // a thread blocked in read() only wakes when its socket closes
            } catch (IOException e) {
                // closing anyway
            }
        }
        workers.shutdownNow();
        try {
            acceptor.join(5000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
