package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.TestCluster;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Seal;
import p2pnio.secure.Tls;
import p2pnio.wire.DropReason;

/**
 * Secure mode over real sockets (issue 15, part 1): members, holding the cluster's secret, find
 * each other and download; whoever does not hold it (a plain node, a member of another cluster, a
 * raw socket forging {@code File} answers, a replay of a member's datagram) changes nothing, and
 * each such datagram is counted under its own reason. Part 2: transfers run TLS 1.3 on the loop; a
 * member downloads, whoever is not one (plain TCP, an unknown certificate, a server that is not
 * the one the answer announced, a handshake that stalls, garbage) gets nothing, and the loop goes on.
 */
class SecureClusterTest extends SecureMembers {

    static List<String> peers(Node node) throws Exception {
        return node.peers().get(10, TimeUnit.SECONDS).stream().map(NodeEvent.PeerInfo::address).toList();
    }

    /** A member's seal, played by the test: it holds {@code secret}. */
    Seal sealOf(ClusterSecret secret) {
        return new Seal(secret, NodeIdentity.generate().fingerprint(), to -> false, System::currentTimeMillis,
                Duration.ofSeconds(30));
    }

    @Test
    void membersFindEachOtherAndDownloadWithTheirIdentitiesKeptOwnerOnly() throws Exception {
        Node b = member("b");
        Files.writeString(TestCluster.folder(b).resolve("a.txt"), "members only\n");
        Node a = member("a", b.address());
        a.post(new Command.Fetch("a.txt"));
        assertThat(nodes.events(a).awaitOutcome("a.txt", Duration.ofSeconds(20)))
                .isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(Files.readString(TestCluster.folder(a).resolve("a.txt"))).isEqualTo("members only\n");
        Poll.until(Duration.ofSeconds(10), () -> uncheckedPeers(b), p -> p.contains(a.address()));
        for (String n : List.of("a", "b")) {
            Path identity = tmp.resolve("keys/" + n + ".pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity))).isEqualTo("rw-------");
        }
        for (Node n : List.of(a, b)) {
            assertThat(Poll.stats(n).dropped()).as("nothing refused between members").allSatisfy((reason, count) ->
                    assertThat(reason).doesNotStartWith("AUTH_"));
        }
    }

    static List<String> uncheckedPeers(Node node) {
        try {
            return peers(node);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPlainNodeCannotJoinAndBothSidesSaySo() throws Exception {
        Node a = member("a");
        Node plain = nodes.start("plain", c -> c.cluster(List.of(a.address())));
        a.post(new Command.AddPeer(plain.address()));
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_MISSING), n -> n >= 1);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(plain, DropReason.AUTH_UNEXPECTED), n -> n >= 1);
        assertThat(nodes.events(a).await(NodeEvent.Warning.class, w -> w.message().contains(plain.address())
                && w.message().contains("plain protocol"), Duration.ofSeconds(10)).message())
                .contains("cannot be a member of this secure cluster");
        assertThat(nodes.events(plain).await(NodeEvent.Warning.class, w -> w.message().contains(a.address()),
                Duration.ofSeconds(10)).message()).contains("secure mode", "--secret");
        assertThat(peers(plain)).as("a sealed DISCOVER teaches a plain node nothing").containsExactly(a.address());
    }

    @Test
    void aForgedFileFromANonMemberIsIgnoredAndNothingConnectsToTheForger() throws Exception {
        Node a = member("a", "127.0.0.1:" + attacker.getLocalPort());
        try (ServerSocket trap = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            a.post(new Command.Fetch("wanted.bin"));
            Poll.until(Duration.ofSeconds(10), () -> Poll.stats(a).datagramsOut(), n -> n >= 1);
            long before = Poll.dropped(a, DropReason.AUTH_MISSING);
            for (int i = 0; i < 3; i++) {
                send(("File,1," + trap.getLocalPort() + "\n").getBytes(StandardCharsets.US_ASCII), a);
            }
            Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_MISSING), n -> n >= before + 3);
            trap.setSoTimeout(300); // the loop handled all three: a connect would already be on its way
            try {
                trap.accept().close();
                throw new AssertionError("the node connected to the forger's server");
            } catch (SocketTimeoutException expected) {
                // nobody came
            }
            assertThat(a.transfers().get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void aMemberOfAnotherClusterIsRefusedAndNamedOnce() throws Exception {
        Node a = member("a");
        Path other = tmp.resolve("other.secret");
        ClusterSecret.create(other, false);
        Seal stranger = sealOf(ClusterSecret.read(other));
        for (int i = 0; i < 3; i++) {
            send(bytes(stranger.seal(a.controlAddress(), "DISCOVER,127.0.0.1:9\n".getBytes(StandardCharsets.US_ASCII))), a);
        }
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_OTHER_SECRET), n -> n == 3);
        assertThat(peers(a)).isEmpty();
        assertThat(nodes.events(a).all(NodeEvent.Warning.class)).filteredOn(w -> w.message().contains("another"))
                .hasSize(1).first().extracting(NodeEvent.Warning::message).asString()
                .contains("another cluster secret", "AUTH_OTHER_SECRET");
    }

    @Test
    void aMembersDatagramCountsOnceAndItsReplaysAlterationsAndRedirectionsAreRefused() throws Exception {
        Node a = member("a");
        Node b = member("b");
        Seal member = sealOf(ClusterSecret.read(secret));
        byte[] genuine = bytes(member.seal(a.controlAddress(), "DISCOVER,127.0.0.1:9\n".getBytes(StandardCharsets.US_ASCII)));
        send(genuine, a);
        Poll.until(Duration.ofSeconds(10), () -> uncheckedPeers(a), p -> p.contains("127.0.0.1:9"));

        send(genuine, a);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_REPLAYED), n -> n == 1);

        byte[] altered = Arrays.copyOf(genuine, genuine.length);
        altered[Seal.HEADER + "DISCOVER,127.0.0.1:".length()] = '8';
        send(altered, a);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_BAD_TAG), n -> n == 1);

        send(genuine, b);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(b, DropReason.AUTH_WRONG_DESTINATION), n -> n == 1);
        assertThat(peers(b)).isEmpty();
        assertThat(peers(a)).doesNotContain("127.0.0.1:8");
    }

    @Test
    void aSecretFileOthersCanReadStopsTheStartNamingTheFile() throws Exception {
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> member("a"))
                .isInstanceOf(IOException.class).hasMessageContaining(secret.toString()).hasMessageContaining("chmod 600");
    }

    @Test
    void theSecretAndIdentityMayNotLieInTheSharedFolder() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodes.start("a", b -> b.secret(secret)
                        .identity(tmp.resolve("folders/a/identity.pem"))))
                .hasMessageContaining("identity").hasMessageContaining("served to anyone");
    }

    @Test
    void aMemberWhoseClockIsOffIsRefusedAndToldHowFar() throws Exception {
        Node a = member("a");
        Seal ahead = new Seal(ClusterSecret.read(secret), NodeIdentity.generate().fingerprint(), to -> false,
                () -> System.currentTimeMillis() + 90_000, Duration.ofSeconds(30));
        send(bytes(ahead.seal(a.controlAddress(), "DISCOVER,127.0.0.1:9\n".getBytes(StandardCharsets.US_ASCII))), a);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.AUTH_CLOCK_SKEW), n -> n == 1);
        assertThat(peers(a)).isEmpty();
        assertThat(nodes.events(a).await(NodeEvent.Warning.class, w -> w.message().contains("clock"),
                Duration.ofSeconds(10)).message()).contains("ahead of ours", "NTP");
    }

    @Test
    void aMembersMalformedMessageIsCountedByTheCodecLikeAPlainOneAndAnOversizedSealedDatagramAsTooLarge()
            throws Exception {
        Node a = member("a");
        Seal member = sealOf(ClusterSecret.read(secret));
        long before = Poll.stats(a).droppedTotal();
        send(bytes(member.seal(a.controlAddress(), "File,1,notaport\n".getBytes(StandardCharsets.US_ASCII))), a);
        Poll.until(Duration.ofSeconds(10), () -> Poll.stats(a).droppedTotal(), n -> n == before + 1);
        assertThat(Poll.stats(a).dropped()).allSatisfy((reason, count) -> assertThat(reason).doesNotStartWith("AUTH_"));

        byte[] big = bytes(member.seal(a.controlAddress(), ("DISCOVER," + "1".repeat(2100) + "\n")
                .getBytes(StandardCharsets.US_ASCII)));
        send(big, a);
        Poll.until(Duration.ofSeconds(10), () -> Poll.dropped(a, DropReason.TOO_LARGE), n -> n == 1);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void membersDownloadOverTlsInBothDirectionsWithoutTransferTo() throws Exception {
        Node a = member("a");
        Node b = member("b", a.address());
        byte[] fromA = randomBytes(3 * 1024 * 1024 + 17, 1);
        byte[] fromB = randomBytes(5 * 1024 * 1024 + 3, 2);
        Files.write(TestCluster.folder(a).resolve("from-a.bin"), fromA);
        Files.write(TestCluster.folder(b).resolve("from-b.bin"), fromB);
        Poll.until(Duration.ofSeconds(10), () -> uncheckedPeers(a), p -> p.contains(b.address()));
        b.post(new Command.Fetch("from-a.bin"));
        a.post(new Command.Fetch("from-b.bin"));
        assertThat(nodes.events(b).awaitOutcome("from-a.bin", Duration.ofSeconds(30)))
                .isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(nodes.events(a).awaitOutcome("from-b.bin", Duration.ofSeconds(30)))
                .isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(sha256(Files.readAllBytes(TestCluster.folder(b).resolve("from-a.bin")))).isEqualTo(sha256(fromA));
        assertThat(sha256(Files.readAllBytes(TestCluster.folder(a).resolve("from-b.bin")))).isEqualTo(sha256(fromB));
        for (Node n : List.of(a, b)) {
            assertThat(Poll.stats(n).transferToCalls()).as("TLS cannot use transferTo").isZero();
            assertThat(Poll.stats(n).uploadsFailed()).isZero();
        }
    }

    /** Sends {@code bytes} to {@code node}'s transfer port and reads until the node closes: what it sent back. */
    static byte[] rawExchange(Node node, byte[] bytes) throws IOException {
        try (Socket s = new Socket(node.transferAddress().getAddress(), node.transferAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            return s.getInputStream().readAllBytes(); // a reset would throw: the node closes cleanly
        }
    }

    @Test
    void aPlainTcpClientGetsNoByteOfAFileAndGarbageIsCountedAndClosedCleanly() throws Exception {
        Node a = member("a");
        Files.writeString(TestCluster.folder(a).resolve("secret.txt"), "members only\n");
        byte[] answer = rawExchange(a, "Get,secret.txt\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("members only", "secret.txt");
        assertThat(answer.length).as("at most a TLS alert, never a 74-byte header").isLessThan(74);
        byte[] garbage = rawExchange(a, randomBytes(5000, 3));
        assertThat(garbage.length).isLessThan(74);
        Poll.until(Duration.ofSeconds(10), () -> Poll.stats(a).uploadsFailed(), n -> n == 2);
        assertThat(nodes.events(a).all(NodeEvent.UploadFailed.class)).hasSize(2)
                .allSatisfy(f -> assertThat(f.reason()).isNotBlank());
        assertThat(Poll.stats(a).uploadsOpen()).isZero();
    }

    @Test
    void aTlsClientWithACertificateNoMemberAnnouncedIsRefused() throws Exception {
        Node a = member("a");
        Files.writeString(TestCluster.folder(a).resolve("secret.txt"), "members only\n");
        NodeIdentity stranger = NodeIdentity.generate();
        javax.net.ssl.SSLContext c = Tls.context(stranger, f -> true); // the stranger trusts anyone
        try (SSLSocket s = (SSLSocket) c.getSocketFactory().createSocket(a.transferAddress().getAddress(),
                a.transferAddress().getPort())) {
            s.setSoTimeout(10_000);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                s.getOutputStream().write("Get,secret.txt\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                byte[] got = in.readAllBytes();
                throw new AssertionError("read " + got.length + " bytes from a node that should refuse us");
            }).isInstanceOf(java.io.IOException.class); // the alert (SSLException), or a broken pipe when our write
                                                         // meets the socket the node closed after refusing
        }
        uploadFailedOf(a, "not one this node was told to accept");
        assertThat(Poll.stats(a).bytesSent()).isZero();
    }

    void uploadFailedOf(Node n, String reasonPart) throws InterruptedException {
        nodes.events(n).await(NodeEvent.UploadFailed.class, f -> f.reason().contains(reasonPart), Duration.ofSeconds(10));
    }

    /**
     * Waits for {@code a}'s sealed {@code Get} of {@code name} at the attacker's socket (sealed, not
     * encrypted: its text is readable), then answers it as {@code member}: a sealed {@code File}
     * naming {@code tcpPort}.
     */
    void answerAsMember(Seal member, Node a, String name, int tcpPort) throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket got = new DatagramPacket(buf, buf.length);
        attacker.setSoTimeout(10_000);
        do {
            attacker.receive(got);
        } while (!new String(buf, 0, got.getLength(), StandardCharsets.ISO_8859_1).contains("Get," + name));
        send(bytes(member.seal(a.controlAddress(), ("File,1," + tcpPort + "\n").getBytes(StandardCharsets.US_ASCII))), a);
    }

    @Test
    void aMembersFileNamingAServerWithAnotherCertificateFailsThePinAndLeavesNoPartialFile() throws Exception {
        NodeIdentity announced = NodeIdentity.generate();
        NodeIdentity impostor = NodeIdentity.generate();
        Seal member = new Seal(ClusterSecret.read(secret), announced.fingerprint(), to -> false,
                System::currentTimeMillis, Duration.ofSeconds(30));
        Node a = member("a", "127.0.0.1:" + attacker.getLocalPort());
        try (SSLServerSocket trap = (SSLServerSocket) Tls.context(impostor, f -> true).getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) trap.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[74 + 10]);
                    return "served";
                } catch (IOException e) {
                    return "refused: " + e;
                }
            });
            a.post(new Command.Fetch("wanted.bin"));
            answerAsMember(member, a, "wanted.bin", trap.getLocalPort());
            assertThat(served.get(20, TimeUnit.SECONDS)).startsWith("refused");
            NodeEvent outcome = nodes.events(a).awaitOutcome("wanted.bin", Duration.ofSeconds(20));
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("TLS handshake with",
                    "the server's certificate (fingerprint " + impostor.fingerprint(), "is not one this node was told to accept");
            assertThat(TestCluster.partials(TestCluster.folder(a))).isEmpty();
            assertThat(TestCluster.folder(a).resolve("wanted.bin")).doesNotExist();
        }
    }

    @Test
    void aHandshakeThatStallsTimesOutAndFreesTheSlotAndTheLoopServesMembersAfterAllOfIt() throws Exception {
        Node a = nodes.start("a", c -> c.secret(secret).identity(tmp.resolve("keys/a.pem"))
                .requestLineTimeout(Duration.ofMillis(500)).maxUploads(1));
        Files.write(TestCluster.folder(a).resolve("after.bin"), randomBytes(100_000, 4));
        try (Socket stalled = new Socket(a.transferAddress().getAddress(), a.transferAddress().getPort())) {
            uploadFailedOf(a, "no TLS handshake within");
            assertThat(Poll.stats(a).uploadsOpen()).isZero();
            stalled.setSoTimeout(10_000);
            assertThat(stalled.getInputStream().readAllBytes()).as("closed by the node: at most an alert, then EOF")
                    .hasSizeLessThan(74);
        }
        Node b = member("b", a.address());
        b.post(new Command.Fetch("after.bin"));
        assertThat(nodes.events(b).awaitOutcome("after.bin", Duration.ofSeconds(30)))
                .isInstanceOf(NodeEvent.DownloadFinished.class);
    }

    @Test
    void bytesTlsAlreadyDecryptedWithTheHeaderAreReadThoughTheServerNeitherSendsMoreNorCloses() throws Exception {
        NodeIdentity announced = NodeIdentity.generate();
        Seal member = new Seal(ClusterSecret.read(secret), announced.fingerprint(), to -> false,
                System::currentTimeMillis, Duration.ofSeconds(30));
        Node a = nodes.start("a", c -> c.secret(secret).identity(tmp.resolve("keys/a.pem"))
                .cluster(List.of("127.0.0.1:" + attacker.getLocalPort())).idleTimeout(Duration.ofSeconds(30)));
        byte[] body = randomBytes(1000, 5);
        byte[] record = new byte[74 + body.length];
        System.arraycopy(p2pnio.wire.TransferHeader.encode(body.length, "small.bin"), 0, record, 0, 74);
        System.arraycopy(body, 0, record, 74, body.length);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (SSLServerSocket server = (SSLServerSocket) Tls.context(announced, f -> true).getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    while (in.read() != '\n') {
                        // the request line
                    }
                    s.getOutputStream().write(record); // header and body in one TLS record, then silence
                    s.getOutputStream().flush();
                    done.await(30, TimeUnit.SECONDS); // neither more bytes nor a close until the test ends
                    return "served";
                } catch (IOException | InterruptedException e) {
                    return "failed: " + e;
                }
            });
            a.post(new Command.Fetch("small.bin"));
            answerAsMember(member, a, "small.bin", server.getLocalPort());
            NodeEvent outcome;
            try {
                outcome = nodes.events(a).awaitOutcome("small.bin", Duration.ofSeconds(10));
            } catch (AssertionError e) {
                throw new AssertionError("transfers: " + a.transfers().get(5, TimeUnit.SECONDS), e);
            }
            done.countDown();
            assertThat(outcome).as("finished from what TLS held, well before the idle timeout")
                    .isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(TestCluster.folder(a).resolve("small.bin"))).isEqualTo(body);
            assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("served");
        }
    }

    /**
     * A man in the middle on the transfer: relays a's bytes to whoever connects, copying what
     * passes from a, and changing the byte at {@code flipAt} of that direction (-1: none).
     */
    static final class Relay implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();

        Relay(InetSocketAddress to, long flipAt) throws IOException {
            Thread t = new Thread(() -> {
                try (Socket client = listener.accept(); Socket server = new Socket(to.getAddress(), to.getPort())) {
                    Thread up = new Thread(() -> pump(client, server, -1, null));
                    up.start();
                    pump(server, client, flipAt, seen);
                    up.join(10_000);
                } catch (IOException | InterruptedException e) {
                    // the test judges by the download's outcome
                }
            });
            t.setDaemon(true);
            t.start();
        }

        static void pump(Socket from, Socket to, long flipAt, java.io.ByteArrayOutputStream copy) {
            byte[] buf = new byte[8192];
            long at = 0;
            try {
                for (int n; (n = from.getInputStream().read(buf)) > 0; at += n) {
                    if (flipAt >= at && flipAt < at + n) {
                        buf[(int) (flipAt - at)] ^= 0x01;
                    }
                    if (copy != null) {
                        synchronized (copy) {
                            copy.write(buf, 0, n);
                        }
                    }
                    to.getOutputStream().write(buf, 0, n);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed: so does the relay
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    /**
     * b asks a and the attacker; the attacker answers first, as a (its fingerprint), naming the
     * relay. a answers a non-priority peer only after 3 s: its own answer (extended, a better one
     * than the attacker's plain {@code File}) would otherwise win whenever it came first.
     */
    NodeEvent downloadThroughRelay(String name, byte[] content, long flipAt, byte[][] seen) throws Exception {
        Node a = nodes.start("a", c -> c.secret(secret).identity(tmp.resolve("keys/a.pem")).delay(Duration.ofSeconds(3)));
        TestCluster.share(a, name, content);
        Node b = member("b", a.address(), "127.0.0.1:" + attacker.getLocalPort());
        Poll.until(Duration.ofSeconds(10), () -> uncheckedPeers(a), p -> p.contains(b.address()));
        Seal asA = new Seal(ClusterSecret.read(secret), NodeIdentity.load(tmp.resolve("keys/a.pem")).fingerprint(),
                to -> false, System::currentTimeMillis, Duration.ofSeconds(30));
        try (Relay relay = new Relay(a.transferAddress(), flipAt)) {
            b.post(new Command.Fetch(name));
            answerAsMember(asA, b, name, relay.listener.getLocalPort());
            NodeEvent outcome = nodes.events(b).await(NodeEvent.class, e ->
                    e instanceof NodeEvent.DownloadFinished f && f.name().equals(name)
                            || e instanceof NodeEvent.DownloadFailed f2 && f2.name().equals(name), Duration.ofSeconds(20));
            synchronized (relay.seen) {
                seen[0] = relay.seen.toByteArray();
            }
            assertThat(TestCluster.partials(TestCluster.folder(b))).isEmpty();
            return outcome;
        }
    }

    @Test
    void aManInTheMiddleWhoRelaysSeesOnlyCiphertext() throws Exception {
        byte[] content = ("members only, line after line\n").repeat(5000).getBytes(StandardCharsets.US_ASCII);
        byte[][] seen = new byte[1][];
        NodeEvent outcome = downloadThroughRelay("relayed.txt", content, -1, seen);
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(seen[0].length).isGreaterThan(content.length);
        assertThat(new String(seen[0], StandardCharsets.ISO_8859_1)).doesNotContain("members only", "relayed.txt");
    }

    @Test
    void aManInTheMiddleWhoChangesOneByteFailsTheTransferAndLeavesNoPartialFile() throws Exception {
        byte[] content = randomBytes(400_000, 6);
        byte[][] seen = new byte[1][];
        NodeEvent outcome = downloadThroughRelay("altered.bin", content, 100_000, seen);
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
        assertThat(((NodeEvent.DownloadFailed) outcome).reason()).isNotBlank();
    }
}
