package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.loop.OffLoop;
import p2pnio.share.SharedFolder;
import p2pnio.wire.TransferHeader;

/**
 * The rate limits on a moved clock, over real loopback sockets: a node's core runs turn by turn
 * on the test thread ({@link EventLoop#runOnce}), each turn a millisecond later on the loop's
 * clock, and the test reads what arrived between turns. Ten seconds of the node's time take a
 * fraction of ours, and only the limit decides how many bytes cross: the accuracy is the
 * bucket's, not the machine's.
 */
class RateLimitClockTest {

    private static final long MIB = 1 << 20;
    private static final long MS = 1_000_000L;

    @TempDir
    Path tmp;

    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final List<NodeEvent> events = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor();
    private final ExecutorService files = Executors.newSingleThreadExecutor();
    private EventLoop loop;
    private NodeCore core;
    private NodeEvent.Ready ready;

    @AfterEach
    void close() throws Exception {
        if (core != null) {
            core.shutdown("test over");
        }
        for (AutoCloseable c : open) {
            c.close();
        }
        background.shutdownNow();
        files.shutdownNow();
    }

    /** A node core on a loop whose clock only the test moves. */
    private void start(NodeConfig.Builder config) throws IOException {
        NodeConfig c = config.port(0).folder(tmp.resolve("node")).period(Duration.ofHours(1)).delay(Duration.ZERO)
                .build();
        loop = new EventLoop(1024, clock::get);
        Emitter emitter = new Emitter(events::add);
        Context ctx = new Context(loop, c.settings(), new SharedFolder(c.folder(), loop, background),
                new Trace(System.err, 2000), emitter, new OffLoop(loop, files));
        core = new NodeCore(ctx, c, emitter, background);
        ready = core.open();
    }

    /** One turn of the loop, {@code millis} later on its clock. */
    private void turn(long millis) throws IOException {
        clock.addAndGet(millis * MS);
        loop.runOnce(false);
    }

    /** Turns of a millisecond each until {@code done} holds; fails after a minute of real time. */
    private void turnsUntil(BooleanSupplier done) throws IOException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting").isLessThan(deadline);
            turn(1);
        }
    }

    /** A reference-style client on the test thread: it reads whatever arrived, between turns. */
    private final class Client {
        final SocketChannel channel;
        final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long received;
        boolean ended;

        Client(String name) throws IOException {
            channel = SocketChannel.open(ready.transfer());
            open.add(channel);
            channel.write(ByteBuffer.wrap(("Get," + name + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.configureBlocking(false);
        }

        /** Reads what is there; returns the body bytes received so far. */
        long read() throws IOException {
            int n;
            while ((n = channel.read(buf.clear())) > 0) {
                received += n;
            }
            ended |= n < 0;
            return Math.max(0, received - TransferHeader.BYTES);
        }
    }

    /**
     * Turns until the first body bytes arrive (the index is built on a background thread, in real
     * time, while the node's clock moves a millisecond a turn); returns the body bytes then.
     */
    private long firstBody(Client c) throws IOException {
        turnsUntil(() -> {
            try {
                return c.read() > 0;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        return c.read();
    }

    private long bodyAfter(Client c, long millis) throws IOException {
        for (long t = 0; t < millis; t++) {
            turn(1);
            c.read();
        }
        return c.read();
    }

    @Test
    void anUploadLimitHoldsToOnePercentOverTenSecondsOfTheNodesTime() throws Exception {
        long rate = 2 * MIB;
        Files.createDirectories(tmp.resolve("node"));
        Files.write(tmp.resolve("node/big.bin"), new byte[(int) (32 * MIB)]);
        start(NodeConfig.builder().maxUploadRate(rate));
        Client c = new Client("big.bin");
        long atStart = firstBody(c); // the bucket's starting burst: a tenth of a second's worth
        assertThat((double) atStart).isCloseTo(rate / 10.0, within(rate / 10.0));
        long sent = bodyAfter(c, 10_000) - atStart;
        assertThat((double) sent).isCloseTo(rate * 10.0, within(rate * 10 * 0.01));
    }

    @Test
    void aDownloadLimitHoldsToOnePercentOverTenSecondsOfTheNodesTime() throws Exception {
        long rate = 3 * MIB;
        long size = 64 * MIB;
        try (ScriptedServer server = new ScriptedServer(s -> {
            ScriptedServer.readLine(s);
            OutputStream out = s.getOutputStream();
            out.write(TransferHeader.encode(size, "fast.bin"));
            byte[] chunk = new byte[64 * 1024];
            for (long sent = 0; sent < size; sent += chunk.length) {
                out.write(chunk); // as fast as the node lets it: TCP's flow control blocks this thread
            }
        })) {
            Files.createDirectories(tmp.resolve("node"));
            start(NodeConfig.builder().maxDownloadRate(rate).addPeer(server.address()));
            core.handle(new Command.Fetch("fast.bin"));
            turnsUntil(() -> received("fast.bin") > 0);
            long atStart = received("fast.bin");
            for (int t = 0; t < 10_000; t++) {
                turn(1);
            }
            long got = received("fast.bin") - atStart;
            assertThat((double) got).isCloseTo(rate * 10.0, within(rate * 10 * 0.01));
            assertThat(core.transfers()).anyMatch(t -> t.name().equals("fast.bin")
                    && t.state().matches("READ_BODY|THROTTLED"));
        }
    }

    private long received(String name) {
        return core.transfers().stream().filter(t -> t.direction().equals("download") && t.name().equals(name))
                .mapToLong(NodeEvent.TransferInfo::bytes).max().orElse(0);
    }

    @Test
    void aNewLimitTakesEffectAtOnceAndZeroLiftsIt() throws Exception {
        Files.createDirectories(tmp.resolve("node"));
        Files.write(tmp.resolve("node/big.bin"), new byte[(int) (24 * MIB)]);
        start(NodeConfig.builder().maxUploadRate(MIB));
        Client c = new Client("big.bin");
        long atStart = firstBody(c);
        long first = bodyAfter(c, 5_000) - atStart;
        assertThat((double) first).isCloseTo(MIB * 5.0, within(MIB * 5 * 0.01));

        core.handle(new Command.SetRateLimit(Command.Direction.UPLOAD, 3 * MIB));
        assertThat(events).contains(new NodeEvent.RateLimits(3 * MIB, 0));
        long second = bodyAfter(c, 5_000) - first - atStart;
        assertThat((double) second).isCloseTo(3 * MIB * 5.0, within(3 * MIB * 5 * 0.01));

        core.handle(new Command.SetRateLimit(Command.Direction.UPLOAD, 0));
        assertThat(core.rateLimits()).isEqualTo(new NodeEvent.RateLimits(0, 0));
        // Unlimited: the rest comes without the clock moving at all.
        for (int t = 0; t < 100_000 && !c.ended; t++) {
            loop.runOnce(false);
            c.read();
        }
        assertThat(c.ended).isTrue();
        assertThat(c.read()).isEqualTo(24 * MIB);
    }
}
