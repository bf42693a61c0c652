package p2pnio.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;
import p2pnio.loop.Mailbox;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.HeaderParser;
import p2pnio.wire.RequestLineParser;
import p2pnio.wire.TransferHeader;

/**
 * Benchmark 6, parsers and queue: nanoseconds per operation of the control codec (decode a
 * {@code Get} and a ten-peer {@code DISCOVER} datagram, encode a {@code Get}), of the incremental
 * header parser (74 bytes at once and in three pieces), of the request-line parser, and of the
 * command queue: an offer and a poll on one thread, and the handoff from a producer thread to the
 * loop's consumer thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ParsersBenchmark {

    private final ControlCodec codec = new ControlCodec();
    private ByteBuffer getDatagram;
    private ByteBuffer discoverDatagram;
    private ByteBuffer header;
    private ByteBuffer requestLine;
    private final ControlMessage.Get get = new ControlMessage.Get("holiday-photos-2024.tar");
    private final Runnable task = () -> { };

    /** The bytes each parser is fed, made once. */
    @Setup(Level.Trial)
    public void setUp() {
        getDatagram = direct("Get,holiday-photos-2024.tar\n");
        StringBuilder d = new StringBuilder("DISCOVER");
        for (int i = 0; i < 10; i++) {
            d.append(",10.0.0.").append(i + 1).append(":1378");
        }
        discoverDatagram = direct(d.append('\n').toString());
        header = ByteBuffer.wrap(TransferHeader.encode(1_073_741_824L, "holiday-photos-2024.tar"));
        requestLine = ByteBuffer.wrap("Get,holiday-photos-2024.tar\n".getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** Decodes {@code Get,<name>\n} as the loop does, from the receive buffer. */
    @Benchmark
    public ControlCodec.Decoded decodeGet() {
        return codec.decode(getDatagram.rewind());
    }

    /** Decodes a {@code DISCOVER} with ten peers. */
    @Benchmark
    public ControlCodec.Decoded decodeDiscover() {
        return codec.decode(discoverDatagram.rewind());
    }

    /** Encodes a {@code Get}. */
    @Benchmark
    public byte[] encodeGet() {
        return ControlCodec.encode(get);
    }

    /** Parses a 74-byte header that arrived in one read. */
    @Benchmark
    public TransferHeader headerWhole() {
        HeaderParser p = new HeaderParser();
        p.feed(header.rewind());
        return p.header();
    }

    /** Parses a 74-byte header that arrived in three reads (5, 40 and 29 bytes). */
    @Benchmark
    public TransferHeader headerInPieces() {
        HeaderParser p = new HeaderParser();
        ByteBuffer b = header.rewind();
        p.feed(b.limit(5));
        p.feed(b.limit(45));
        p.feed(b.limit(74));
        return p.header();
    }

    /** Parses a {@code Get,<name>\n} request line on a transfer connection. */
    @Benchmark
    public String requestLine() {
        RequestLineParser p = new RequestLineParser(2048);
        p.feed(requestLine.rewind());
        return p.line();
    }

    /** The mailbox a producer and the loop share. */
    @State(Scope.Group)
    public static class Queue {
        final Mailbox mailbox = new Mailbox(65_536, () -> { });
    }

    /** The mailbox used by one thread alone. */
    @State(Scope.Thread)
    public static class LocalQueue {
        final Mailbox mailbox = new Mailbox(65_536, () -> { });
    }

    /** Offer and poll on one thread: the queue's cost without contention. */
    @Benchmark
    public Runnable mailboxOfferPoll(LocalQueue q) {
        q.mailbox.offer(task);
        return q.mailbox.poll();
    }

    /**
     * Handoff, producer side: another thread posting a command (spins while the mailbox is full,
     * until JMH ends the iteration: the consumer may already have stopped).
     */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void offer(Queue q, Control control) {
        while (!q.mailbox.offer(task) && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
    }

    /** Handoff, consumer side: the loop taking the next command (null when none waits). */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void poll(Queue q, Blackhole bh) {
        bh.consume(q.mailbox.poll());
    }
}
