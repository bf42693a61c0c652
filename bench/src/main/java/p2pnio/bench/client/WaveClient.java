package p2pnio.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import p2pnio.transfer.Transfers;
import p2pnio.wire.HeaderParser;

/**
 * Many concurrent downloads from one client thread: a "wave" opens one connection per name at
 * once, sends each request, and reads every header and body to the server's close (bodies are
 * dropped). It records each connection's time to first byte, from its {@code connect} to the
 * first response byte. The same client measures every contender.
 *
 * <p>Not thread-safe: one wave at a time.
 */
public final class WaveClient implements AutoCloseable {

    /** What a wave measured. */
    public record Wave(long bytes, long[] ttfbNanos, int connections) { }

    private static final long WAVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final Selector selector;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(Transfers.SCRATCH_BYTES);

    /** Opens the client's selector. */
    public WaveClient() throws IOException {
        selector = Selector.open();
    }

    /** One connection of the wave. */
    private static final class Conn {
        final SocketChannel ch;
        final ByteBuffer request;
        final long started;
        final HeaderParser header = new HeaderParser();
        long firstByte;
        long size = -1;
        long received;

        Conn(SocketChannel ch, String name, long started) {
            this.ch = ch;
            this.request = ByteBuffer.wrap(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8));
            this.started = started;
        }
    }

    /** Downloads every name from {@code server} at once; throws if any download fails. */
    public Wave run(InetSocketAddress server, List<String> names) throws IOException {
        return run(server, names, () -> { });
    }

    /**
     * Same, and runs {@code midWave} once, when half of the downloads are done: the moment to
     * sample what the server holds while it is under load.
     */
    public Wave run(InetSocketAddress server, List<String> names, Runnable midWave) throws IOException {
        int n = names.size();
        long[] ttfb = new long[n];
        int done = 0;
        long bytes = 0;
        try {
            for (String name : names) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                Conn c = new Conn(ch, name, System.nanoTime());
                boolean connected = ch.connect(server);
                ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
            }
            long deadline = System.nanoTime() + WAVE_TIMEOUT_NANOS;
            while (done < n) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("wave timed out with " + done + " of " + n + " downloads done");
                }
                selector.select(1000);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    Conn c = (Conn) key.attachment();
                    if (key.isConnectable()) {
                        if (!c.ch.finishConnect()) {
                            continue;
                        }
                        key.interestOps(SelectionKey.OP_WRITE);
                    }
                    if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                        c.ch.write(c.request);
                        if (!c.request.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        continue;
                    }
                    if (key.isValid() && key.isReadable()) {
                        long r = read(c);
                        if (r < 0) {
                            finish(c, key);
                            ttfb[done++] = c.firstByte - c.started;
                            bytes += c.received;
                            if (done == n / 2) {
                                midWave.run();
                            }
                        }
                    }
                }
            }
            return new Wave(bytes, ttfb, n);
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.selectNow(); // let the cancelled keys go
        }
    }

    /** Reads what is there; returns -1 once the server closed. */
    private long read(Conn c) throws IOException {
        buf.clear();
        int r = c.ch.read(buf);
        if (r <= 0) {
            return r;
        }
        if (c.firstByte == 0) {
            c.firstByte = System.nanoTime();
        }
        buf.flip();
        if (c.size < 0) {
            HeaderParser.Status s = c.header.feed(buf);
            if (s == HeaderParser.Status.ERROR) {
                throw new IOException("bad header: " + c.header.error());
            }
            if (s == HeaderParser.Status.NEED_MORE) {
                return r;
            }
            c.size = c.header.header().size();
        }
        c.received += buf.remaining();
        return r;
    }

    private static void finish(Conn c, SelectionKey key) throws IOException {
        key.cancel();
        c.ch.close();
        if (c.size < 0 || c.received != c.size) {
            throw new EOFException("download ended after " + c.received + " of " + c.size + " bytes");
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
    }
}
