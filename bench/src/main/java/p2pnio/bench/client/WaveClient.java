package p2pnio.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import p2pnio.transfer.Transfers;
import p2pnio.wire.HeaderParser;

/**
 * Many concurrent downloads from one client thread, started together like a race. A "wave":
 * <ol>
 *   <li><b>get set</b>: opens one connection per name and sends each request line without its
 *       newline, so the server has accepted every connection and waits on every request;</li>
 *   <li>{@code atStart} runs: the moment every download of the wave exists at once on the server
 *       (a blocking server runs one thread for each), to sample what the server holds;</li>
 *   <li><b>go</b>: sends every newline, then reads every header and body to the server's close
 *       (bodies are dropped).</li>
 * </ol>
 * Without the start line, a loopback server absorbs a 1 MiB body into the socket buffers at
 * once, so the downloads of a wave would overlap only by chance (a blocking server then holds a
 * few dozen threads, not one per client). The time to first byte of each connection is from its
 * newline to the select that first reports it readable (taken before this one thread reads the
 * other ready connections' bodies, which would otherwise add its own queueing to the server's).
 * The same client measures every contender.
 *
 * <p>Not thread-safe: one wave at a time.
 */
public final class WaveClient implements AutoCloseable {

    /** What a wave measured. */
    public record Wave(long bytes, long[] ttfbNanos, int connections) { }

    private static final long WAVE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int BATCH = 32;
    private static final ByteBuffer NEWLINE = ByteBuffer.wrap(new byte[] {'\n'});

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
        final HeaderParser header = new HeaderParser();
        SelectionKey key;
        long requested;
        long firstByte;
        long size = -1;
        long received;

        Conn(SocketChannel ch, String name) {
            this.ch = ch;
            this.request = ByteBuffer.wrap(("Get," + name).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Where a wave stands. */
    private static final class Progress {
        final int n;
        final long[] ttfb;
        int ready;
        int done;
        long bytes;

        Progress(int n) {
            this.n = n;
            this.ttfb = new long[n];
        }
    }

    /** Downloads every name from {@code server} at once; throws if any download fails. */
    public Wave run(InetSocketAddress server, List<String> names) throws IOException {
        return run(server, names, () -> { });
    }

    /**
     * Same, and runs {@code atStart} between "get set" and "go": every connection open, every
     * request but its newline sent.
     */
    public Wave run(InetSocketAddress server, List<String> names, Runnable atStart) throws IOException {
        Progress p = new Progress(names.size());
        List<Conn> conns = new ArrayList<>(names.size());
        long deadline = System.nanoTime() + WAVE_TIMEOUT_NANOS;
        try {
            for (String name : names) {
                Conn c = new Conn(SocketChannel.open(), name);
                c.ch.configureBlocking(false);
                boolean connected = c.ch.connect(server);
                c.key = c.ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
                conns.add(c);
                if (conns.size() % BATCH == 0) {
                    selector.selectNow(); // finish the handshakes so far, so the backlog never overflows
                    handleSelected(p);
                }
            }
            while (p.ready < p.n) {
                awaitReady(deadline, p);
            }
            atStart.run();
            for (int i = 0; i < conns.size(); i++) {
                Conn c = conns.get(i);
                c.requested = System.nanoTime();
                if (c.ch.write(NEWLINE.duplicate()) != 1) {
                    throw new IOException("could not send the request's newline");
                }
                c.key.interestOps(SelectionKey.OP_READ);
                if ((i + 1) % BATCH == 0) {
                    // Read what is ready between batches, so the first connections' time to first
                    // byte is not the time this thread spends starting the rest.
                    selector.selectNow();
                    handleSelected(p);
                }
            }
            while (p.done < p.n) {
                awaitReady(deadline, p);
            }
            return new Wave(p.bytes, p.ttfb, p.n);
        } finally {
            for (Conn c : conns) {
                c.ch.close();
            }
            selector.selectNow(); // let the cancelled keys go
        }
    }

    private void awaitReady(long deadline, Progress p) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new IOException("wave timed out: " + p.ready + " of " + p.n + " connections set, "
                    + p.done + " downloads done");
        }
        selector.select(1000);
        handleSelected(p);
    }

    private void handleSelected(Progress p) throws IOException {
        // First byte: when select reports a waiting connection readable, before this thread spends
        // time reading the bodies of the other ready connections.
        long now = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
            Conn c = (Conn) key.attachment();
            if (c.requested != 0 && c.firstByte == 0 && key.isValid() && key.isReadable()) {
                c.firstByte = now;
            }
        }
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Conn c = (Conn) key.attachment();
            if (!key.isValid()) {
                continue;
            }
            if (key.isConnectable()) {
                if (!c.ch.finishConnect()) {
                    continue;
                }
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                c.ch.write(c.request);
                if (!c.request.hasRemaining()) {
                    key.interestOps(0); // set: waits for "go"
                    p.ready++;
                }
                continue;
            }
            if (key.isReadable() && read(c) < 0) {
                finish(c, key);
                p.ttfb[p.done++] = c.firstByte - c.requested;
                p.bytes += c.received;
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
            c.firstByte = System.nanoTime(); // read during "go", before the next select
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
