package p2pnio.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import p2pnio.Command;
import p2pnio.NodeEvent;
import p2pnio.bench.servers.NodeServer;
import p2pnio.bench.support.BenchFiles;

/**
 * Benchmark 4, the control plane: {@code Get} datagrams answered per second by one node's loop,
 * and the round trip from a {@code Get} to its {@code File} for a priority peer (one that has
 * answered the node before, so the answer is not delayed).
 *
 * <p>The peer is a plain UDP socket in this process. At set-up it makes itself a priority peer
 * the way the protocol does: the node asks it for a file and it answers {@code File} first.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Benchmark)
public class ControlPlaneBenchmark {

    /** Who answers: only our node speaks the UDP side. */
    @Param({"node"})
    public String contender;

    /** Gets in flight per burst of {@link #getBurst}. */
    @Param({"64"})
    public int burst;

    private static final String NAME = "wanted.bin";

    private Path folder;
    private NodeServer node;
    private DatagramSocket peer;
    private ServerSocket decoy;
    private byte[] get;
    private final byte[] in = new byte[2048];
    private final DatagramPacket packet = new DatagramPacket(in, in.length);

    /** Answers counted as a rate: {@code File} replies per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Answers {
        /** {@code File} answers received. */
        public long answers;

        /** Zeroes the counter at each iteration's start. */
        @Setup(Level.Iteration)
        public void reset() {
            answers = 0;
        }
    }

    /** Starts the node and makes the peer a priority responder of it. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        folder = BenchFiles.folder("control");
        BenchFiles.write(folder.resolve(NAME), 4096);
        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer.setReceiveBufferSize(1 << 20);
        peer.setSoTimeout(500);
        String peerAddress = "127.0.0.1:" + peer.getLocalPort();
        node = new NodeServer(NodeServer.config(folder).addPeer(peerAddress)
                .waiting(Duration.ofHours(1)).getRetryInitial(Duration.ofHours(1))
                .delay(Duration.ofSeconds(10)).build(), 1, event -> { });
        peer.connect(node.node().controlAddress());
        becomePriority();
        get = ("Get," + NAME + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private void becomePriority() throws Exception {
        decoy = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread closer = new Thread(() -> {
            try (Socket s = decoy.accept()) {
                // the node's download of the probe fails here: only the File answer mattered
            } catch (IOException e) {
                // closed
            }
        }, "decoy");
        closer.setDaemon(true);
        closer.start();
        node.node().post(new Command.Fetch("probe.bin"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String msg = receive();
            if (msg != null && msg.startsWith("Get,probe.bin")) {
                send(("File,1," + decoy.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8));
                break;
            }
        }
        while (System.nanoTime() < deadline) {
            for (NodeEvent.PeerInfo p : node.node().peers().get(5, TimeUnit.SECONDS)) {
                if (p.priority()) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the benchmark peer did not become a priority peer of the node");
    }

    private void send(byte[] bytes) throws IOException {
        peer.send(new DatagramPacket(bytes, bytes.length));
    }

    /** The next datagram's text, or null after the socket's timeout. */
    private String receive() throws IOException {
        try {
            peer.receive(packet);
            return new String(in, 0, packet.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Waits for the next {@code File} answer; false after the timeout. */
    private boolean awaitFile() throws IOException {
        while (true) {
            try {
                peer.receive(packet);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (packet.getLength() > 5 && in[0] == 'F' && in[1] == 'i' && in[2] == 'l' && in[3] == 'e' && in[4] == ',') {
                return true;
            }
        }
    }

    /** One {@code Get} and its {@code File} answer: the round trip for a priority peer. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean getRoundTrip() throws IOException {
        send(get);
        if (!awaitFile()) {
            throw new IllegalStateException("no File answer within 0.5 s");
        }
        return true;
    }

    /** {@code burst} Gets sent back to back, then their answers collected: answers per second. */
    @Benchmark
    public long getBurst(Answers a) throws IOException {
        for (int i = 0; i < burst; i++) {
            send(get);
        }
        long got = 0;
        for (int i = 0; i < burst && awaitFile(); i++) {
            got++;
        }
        a.answers += got;
        return got;
    }

    /** Stops the node and deletes its folder. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        node.close();
        peer.close();
        decoy.close();
        BenchFiles.delete(folder);
    }
}
