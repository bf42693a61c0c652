package p2pnio.hostile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.testkit.TestFiles;

/**
 * A slot flood and what it costs a legitimate downloader: an attacker holds every upload slot of
 * a node with idle connections (they send nothing, so the node drops them at its request-line
 * deadline), optionally opening a new one as soon as one is dropped; meanwhile a legitimate node
 * downloads a file from it. {@link #measure} reports when (and whether) the download finished.
 *
 * <p>{@link SlotFloodTest} runs it small in {@code make test}; the figure in SECURITY.md comes
 * from the defaults:
 * <pre>
 * mvn -B -ntp -q -pl engine -am test-compile
 * java -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.SlotFlood 512 10 100
 * java -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.SlotFlood 512 10 100 renew
 * </pre>
 * (slots, request-line deadline in seconds, the downloader's {@code waiting} in seconds, and
 * {@code renew} for an attacker who reconnects at once).
 */
public final class SlotFlood implements AutoCloseable {

    /** What one run saw. */
    record Outcome(boolean finished, Duration after, int retries, String failure) {
        @Override
        public String toString() {
            return finished ? String.format(Locale.ROOT, "finished after %.1f s (%d retries)", after.toMillis() / 1e3, retries)
                    : String.format(Locale.ROOT, "failed after %.1f s (%d retries): %s", after.toMillis() / 1e3, retries, failure);
        }
    }

    private final InetSocketAddress target;
    private final int slots;
    private final boolean renew;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private volatile boolean closed;

    /** Opens {@code slots} idle connections to {@code target}; with {@code renew}, replaces each one dropped. */
    SlotFlood(InetSocketAddress target, int slots, boolean renew) throws IOException {
        this.target = target;
        this.slots = slots;
        this.renew = renew;
        this.selector = Selector.open();
        for (int i = 0; i < slots; i++) {
            connect();
        }
        thread = new Thread(this::hold, "slot-flood");
        thread.setDaemon(true);
        thread.start();
    }

    private void connect() throws IOException {
        SocketChannel c = SocketChannel.open(target); // blocking connect: loopback answers at once
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ);
        connects.incrementAndGet();
    }

    /** Waits for the node to drop connections; closes each, and opens another if renewing. */
    private void hold() {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (!closed) {
            try {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) k.channel();
                    int n;
                    try {
                        n = c.read(buf.clear());
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        k.cancel();
                        c.close();
                        if (renew && !closed) {
                            connect();
                        }
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("the flood broke", e);
                }
            }
        }
    }

    /** Connections opened so far. */
    long connects() {
        return connects.get();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey k : selector.keys()) {
            k.channel().close();
        }
        selector.close();
    }

    /**
     * Starts a server with {@code slots} upload slots and the given request-line deadline, floods
     * it, and has a fresh node download a 1 MiB file from it; returns what the download saw,
     * timed from the moment every slot is taken.
     */
    static Outcome measure(Path dir, int slots, Duration deadline, Duration waiting, boolean renew) throws Exception {
        Path served = Files.createDirectories(dir.resolve("served"));
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Folders.randomFile(served, "wanted.bin", 1 << 20);
        Recorder events = new Recorder();
        try (Node server = Node.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO)
                     .maxUploads(slots).requestLineTimeout(deadline).build(), e -> { });
             SlotFlood flood = new SlotFlood(server.transferAddress(), slots, renew)) {
            Poll.until(Duration.ofSeconds(30), () -> Poll.stats(server).uploadsOpen(), n -> n == slots);
            long t0 = System.nanoTime();
            try (Node node = Node.start(NodeConfig.builder().port(0).folder(mine).waiting(waiting)
                    .addPeer(server.address()).build(), events)) {
                node.post(new Command.Fetch("wanted.bin"));
                NodeEvent outcome = events.awaitOutcome("wanted.bin", waiting.plusSeconds(30));
                Duration after = Duration.ofNanos(System.nanoTime() - t0);
                int retries = events.all(NodeEvent.RequestRetrying.class).size();
                if (outcome instanceof NodeEvent.DownloadFinished) {
                    if (!TestFiles.sha256(mine.resolve("wanted.bin")).equals(TestFiles.sha256(served.resolve("wanted.bin")))) {
                        throw new AssertionError("the file arrived corrupt");
                    }
                    return new Outcome(true, after, retries, null);
                }
                return new Outcome(false, after, retries, ((NodeEvent.DownloadFailed) outcome).reason());
            }
        }
    }

    /** {@code SlotFlood SLOTS DEADLINE_S WAITING_S [renew]}: one measured run, printed. */
    public static void main(String[] args) throws Exception {
        int slots = Integer.parseInt(args[0]);
        Duration deadline = Duration.ofSeconds(Long.parseLong(args[1]));
        Duration waiting = Duration.ofSeconds(Long.parseLong(args[2]));
        boolean renew = args.length > 3 && args[3].equals("renew");
        Path dir = Files.createTempDirectory("p2p-slot-flood");
        try {
            Outcome o = measure(dir, slots, deadline, waiting, renew);
            System.out.printf(Locale.ROOT, "slot flood: %d idle connections, request-line deadline %d s, %s; "
                            + "a legitimate 1 MiB download (waiting %d s) %s%n", slots, deadline.toSeconds(),
                    renew ? "each dropped one replaced at once" : "held once", waiting.toSeconds(), o);
        } finally {
            TestFiles.deleteTree(dir);
        }
    }
}
