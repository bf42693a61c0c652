package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.TransferHeader;

/**
 * A server that answered {@code File} but then refuses the connection, resets it, or closes it
 * before a single header byte is not "a peer without the file": the request tries that peer
 * again with a backoff inside its {@code waiting}, asks the cluster again, says what happened in
 * an event, and succeeds once the server serves.
 */
class RetryTest {

    @TempDir
    Path tmp;
    private final Closer closer = new Closer();
    private final Recorder events = new Recorder();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        return closer.keep(c);
    }

    private Node downloader(String peer) throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        return keep(Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(peer)
                .waiting(Duration.ofSeconds(12)).getRetryInitial(Duration.ofMillis(200)).build(), events));
    }

    private static FakePeer.Script serves(byte[] body) {
        return (name, s, out) -> {
            out.write(TransferHeader.encode(body.length, name));
            out.write(body);
            out.flush();
            s.close();
        };
    }

    private void finishesWith(Node node, String name, byte[] body) throws Exception {
        NodeEvent outcome = events.awaitOutcome(name, Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(Files.readAllBytes(node.config().folder().resolve(name))).isEqualTo(body);
        assertThat(Poll.stats(node).downloadsFailed()).isZero();
        Folders.assertNoPartialFile(node.config().folder());
    }

    @Test
    void aServerWhoseUploadSlotsAreAllTakenForAWhileIsTriedAgainUntilItServes() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        Folders.randomFile(served, "big.bin", 300_000);
        Node server = keep(Node.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO)
                .maxUploads(2).requestLineTimeout(Duration.ofSeconds(60)).build(), e -> { }));
        // Two idle connections take both upload slots and hold them.
        List<Socket> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Socket s = new Socket();
            s.connect(server.transferAddress(), 5000);
            holders.add(s);
        }
        Poll.until(Duration.ofSeconds(10), () -> Poll.stats(server).uploadsOpen(), n -> n == 2);
        Node node = downloader(server.address());
        node.post(new Command.Fetch("big.bin"));
        Poll.until(Duration.ofSeconds(10), () -> Poll.stats(server).connectionsRefused(), n -> n >= 1);
        for (Socket s : holders) {
            s.close(); // the slots free up
        }
        NodeEvent outcome = events.awaitOutcome("big.bin", Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        // The events said what happened: the server answered, then sent no header; it was tried again.
        NodeEvent.RequestRetrying retry = events.all(NodeEvent.RequestRetrying.class).get(0);
        assertThat(retry.peer()).isEqualTo(server.address());
        assertThat(retry.what()).containsAnyOf("reset the connection before sending a header",
                "closed the connection without sending a header");
        assertThat(retry.retryInNanos()).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(TestFiles.sha256(node.config().folder().resolve("big.bin")))
                .isEqualTo(TestFiles.sha256(served.resolve("big.bin")));
        assertThat(Poll.stats(node).downloadsFailed()).isZero();
        Folders.assertNoPartialFile(node.config().folder());
    }

    @Test
    void aRefusedConnectionIsTriedAgainAndTheClusterAskedAgain() throws Exception {
        FakePeer fake = keep(new FakePeer());
        byte[] body = "served once the port is open\n".getBytes(StandardCharsets.US_ASCII);
        fake.on("moved.txt", serves(body));
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        fake.announce(closedPort); // nothing listens there: the connect is refused
        Node node = downloader(fake.address());
        node.post(new Command.Fetch("moved.txt"));
        // The request does not give up: it asks the cluster again.
        Poll.until(Duration.ofSeconds(10), () -> fake.gets.size(), n -> n >= 2);
        fake.announce(fake.tcpPort()); // the peer now announces where it really listens
        finishesWith(node, "moved.txt", body);
        assertThat(events.all(NodeEvent.RequestRetrying.class)).first()
                .satisfies(r -> assertThat(r.what()).contains("refused the connection to port " + closedPort));
    }

    @Test
    void aConnectionResetBeforeTheHeaderIsTriedAgain() throws Exception {
        FakePeer fake = keep(new FakePeer());
        byte[] body = new byte[50_000];
        new java.util.Random(3).nextBytes(body);
        AtomicInteger connections = new AtomicInteger();
        fake.on("reset.bin", (name, s, out) -> {
            if (connections.incrementAndGet() <= 2) {
                s.setSoLinger(true, 0); // close with a reset
                s.close();
                return;
            }
            serves(body).serve(name, s, out);
        });
        Node node = downloader(fake.address());
        node.post(new Command.Fetch("reset.bin"));
        finishesWith(node, "reset.bin", body);
        assertThat(connections.get()).isEqualTo(3);
        // Tried again after 0.2 s, then 0.4 s: the backoff doubles.
        assertThat(events.all(NodeEvent.RequestRetrying.class)).extracting(NodeEvent.RequestRetrying::retryInNanos)
                .containsExactly(200_000_000L, 400_000_000L);
    }

    @Test
    void aConnectionClosedBeforeAnyHeaderByteIsTriedAgain() throws Exception {
        FakePeer fake = keep(new FakePeer());
        byte[] body = new byte[40_000];
        new java.util.Random(4).nextBytes(body);
        AtomicInteger connections = new AtomicInteger();
        fake.on("closed.bin", (name, s, out) -> {
            if (connections.incrementAndGet() == 1) {
                s.close(); // a plain close, not a byte sent: busy, or no such file
                return;
            }
            serves(body).serve(name, s, out);
        });
        Node node = downloader(fake.address());
        node.post(new Command.Fetch("closed.bin"));
        finishesWith(node, "closed.bin", body);
        assertThat(connections.get()).isEqualTo(2);
        assertThat(events.all(NodeEvent.RequestRetrying.class)).singleElement()
                .satisfies(r -> assertThat(r.what()).contains("closed the connection without sending a header"));
    }
}
