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
    private static final int OPEN_BATCH = 32;

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
        Progress p = new Progress(names.size(), midWave);
        try {
            int opened = 0;
            for (String name : names) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                Conn c = new Conn(ch, name, System.nanoTime());
                boolean connected = ch.connect(server);
                ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
                if (++opened % OPEN_BATCH == 0) {
                    // Serve what is ready between batches of connects, so the first connections'
                    // time to first byte is not the time this thread spends opening the rest.
                    selector.selectNow();
                    handleSelected(p);
                }
            }
            long deadline = System.nanoTime() + WAVE_TIMEOUT_NANOS;
            while (p.done < p.n) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("wave timed out with " + p.done + " of " + p.n + " downloads done");
                }
                selector.select(1000);
                handleSelected(p);
            }
            return new Wave(p.bytes, p.ttfb, p.n);
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.selectNow(); // let the cancelled keys go
        }
    }

    /** Where a wave stands. */
    private static final class Progress {
        final int n;
        final long[] ttfb;
        final Runnable midWave;
        int done;
        long bytes;

        Progress(int n, Runnable midWave) {
            this.n = n;
            this.ttfb = new long[n];
            this.midWave = midWave;
        }
    }

    private void handleSelected(Progress p) throws IOException {
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
            if (key.isValid() && key.isReadable() && read(c) < 0) {
                finish(c, key);
                p.ttfb[p.done++] = c.firstByte - c.started;
                p.bytes += c.received;
                if (p.done == p.n / 2) {
                    p.midWave.run();
                }
            }
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
