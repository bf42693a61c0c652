package p2pnio;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A reference-style client on its own thread: one plain socket, {@code Get,<name>\n} in one
 * write, then it reads the 74-byte header and the body as fast as it can (or for a fixed time),
 * keeping every byte (or, for large bodies, only their count) and when the first and the last
 * body byte arrived. What a test needs to measure a rate from the receiving end, and to compare
 * the bytes.
 */
final class RawDownload {

    /**
     * What arrived: the header's bytes, the body's bytes (empty if not kept) and their count, and
     * when the body's first and last bytes came (nanoTime).
     */
    record Result(byte[] header, byte[] body, long bodyBytes, long firstByteNanos, long lastByteNanos) {
        /** Body bytes per second between the first and the last read. */
        double bytesPerSecond() {
            return bodyBytes * 1e9 / Math.max(1, lastByteNanos - firstByteNanos);
        }
    }

    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final boolean keep;
    private volatile long bodyBytes;

    /**
     * Starts reading {@code name} from the transfer endpoint {@code server}; stops at the server's
     * close, or once {@code forNanos} have passed since the first body byte.
     *
     * @param keep whether to keep the body's bytes (or only count them)
     */
    RawDownload(InetSocketAddress server, String name, long forNanos, boolean keep) {
        this.keep = keep;
        Thread t = new Thread(() -> {
            try {
                result.complete(read(server, name, forNanos));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "raw-download " + name);
        t.setDaemon(true);
        t.start();
    }

    /** Starts reading all of {@code name}, keeping its bytes. */
    RawDownload(InetSocketAddress server, String name) {
        this(server, name, Long.MAX_VALUE, true);
    }

    /** Body bytes received so far. */
    long bodyBytes() {
        return bodyBytes;
    }

    /** Completes when the download ended. */
    CompletableFuture<Result> result() {
        return result;
    }

    private Result read(InetSocketAddress server, String name, long forNanos) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 10_000);
            s.getOutputStream().write(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            byte[] header = in.readNBytes(74);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long first = 0;
            long last = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                last = System.nanoTime();
                if (first == 0) {
                    first = last;
                }
                if (keep) {
                    body.write(buf, 0, n);
                }
                bodyBytes += n;
                if (last - first >= forNanos) {
                    break;
                }
            }
            return new Result(header, body.toByteArray(), bodyBytes, first, last);
        }
    }
}
