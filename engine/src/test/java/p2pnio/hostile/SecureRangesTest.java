package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeEvent;
import p2pnio.TestCluster;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.Fingerprint;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Seal;
import p2pnio.testkit.TestFiles;
import p2pnio.transfer.Transfers;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.Range;

/**
 * A download from several sources in secure mode (issues 12 and 15), over real sockets with real
 * members: every ranged fetch runs TLS 1.3 and pins the certificate that its own source announced
 * in its sealed datagrams. The download takes every member that holds the file; a source that
 * presents another certificate, or whose bytes are altered on the way, is dropped alone while the
 * others finish the file; and a download stopped halfway keeps its whole pieces and resumes.
 */
class SecureRangesTest extends SecureMembers {

    private static final long PIECE = Transfers.PIECE_BYTES;
    /** Four pieces (the last of 11 bytes): each of three sources has one to fetch from the start. */
    private static final int SIZE = 3 * (int) PIECE + 11;
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The SHA-256 of {@code many.bin}, as the holders have it. */
    String sha;

    Node member(String name, List<String> peers, java.util.function.UnaryOperator<p2pnio.NodeConfig.Builder> tune)
            throws IOException {
        return nodes.start(name, b -> tune.apply(b.secret(secret).identity(tmp.resolve("keys/" + name + ".pem"))
                .cluster(peers)));
    }

    /** A member that holds {@code many.bin} ({@link #SIZE} bytes), once it has hashed it. */
    Node holder(String name, java.util.function.UnaryOperator<p2pnio.NodeConfig.Builder> tune) throws Exception {
        return holder(name, SIZE, tune);
    }

    /** A member that holds {@code many.bin} of {@code size} bytes (the same bytes on every member), once hashed. */
    Node holder(String name, int size, java.util.function.UnaryOperator<p2pnio.NodeConfig.Builder> tune)
            throws Exception {
        Path file = TestFiles.random(Files.createDirectories(tmp.resolve("folders").resolve(name)).resolve("many.bin"),
                size, 21);
        sha = TestFiles.sha256(file);
        Node n = member(name, List.of(), tune);
        p2pnio.testkit.Poll.until(WAIT, name + " hashed many.bin",
                () -> n.files().get().stream().anyMatch(f -> sha.equals(f.sha256())));
        return n;
    }

    /** A member that knows each of {@code servers} as one of our nodes (and the attacker's socket, if asked). */
    Node client(List<Node> servers, boolean withAttacker) throws Exception {
        List<String> peers = new ArrayList<>(servers.stream().map(Node::address).toList());
        if (withAttacker) {
            peers.add("127.0.0.1:" + attacker.getLocalPort());
        }
        Node client = member("client", peers, b -> b);
        p2pnio.testkit.Poll.until(WAIT, "the client knows its peers as our nodes", () -> client.peers().get().stream()
                .filter(p -> p.protocol().startsWith("p2pnio/")).count() == servers.size());
        return client;
    }

    /**
     * Waits for {@code client}'s sealed {@code Get} of many.bin at the attacker's socket, then
     * answers it as a member whose certificate is {@code announced}: an extended {@code File}
     * (the file's size and SHA-256, {@code range}) naming the transfer port {@code tcpPort}.
     */
    void answerWithRanges(Fingerprint announced, Node client, int tcpPort) throws Exception {
        Seal seal = new Seal(ClusterSecret.read(secret), announced, to -> false, System::currentTimeMillis,
                Duration.ofSeconds(30));
        byte[] buf = new byte[2048];
        DatagramPacket got = new DatagramPacket(buf, buf.length);
        attacker.setSoTimeout(20_000);
        do {
            attacker.receive(got);
        } while (!new String(buf, 0, got.getLength(), StandardCharsets.ISO_8859_1).contains("Get,many.bin"));
        byte[] offer = ControlCodec.encode(new ControlMessage.FileOffer(ControlMessage.FileOffer.TCP, tcpPort,
                new ControlMessage.Offered("p2pnio/1", List.of("sha256", Range.CAPABILITY), SIZE, sha, "many.bin")));
        send(bytes(seal.seal(client.controlAddress(), offer)), client);
    }

    NodeEvent.DownloadFinished finished(Node client) throws Exception {
        NodeEvent outcome = nodes.events(client).awaitOutcome("many.bin", WAIT);
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        NodeEvent.DownloadFinished f = (NodeEvent.DownloadFinished) outcome;
        assertThat(TestFiles.sha256(f.file())).isEqualTo(sha);
        assertThat(TestCluster.partials(TestCluster.folder(client))).isEmpty();
        return f;
    }

    @Test
    void aSecureFetchOfAFileThreeMembersHoldIsOneDownloadFromAllThreeOverTls() throws Exception {
        List<Node> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(holder("m" + i, b -> b));
        }
        Node client = client(servers, false);
        client.post(new Command.Fetch("many.bin"));

        assertThat(finished(client).peer()).isEqualTo("3 sources");
        for (Node s : servers) {
            p2pnio.NodeStats st = Poll.stats(s);
            assertThat(st.rangesServed()).as("ranges served by %s", s.address()).isPositive();
            assertThat(st.transferToCalls()).as("no plaintext path: TLS sends with its own buffers").isZero();
        }
    }

    @Test
    void aSourceThatPresentsAnotherCertificateThanItAnnouncedIsDroppedAndTheOthersFinish() throws Exception {
        Node m1 = holder("m1", b -> b);
        Node m2 = holder("m2", b -> b);
        Node m3 = holder("m3", b -> b); // the right bytes, but not the certificate the answer naming it announced
        Node client = client(List.of(m1, m2), true);
        client.post(new Command.Fetch("many.bin"));
        answerWithRanges(NodeIdentity.generate().fingerprint(), client, m3.transferAddress().getPort());

        assertThat(finished(client).peer()).isEqualTo("3 sources");
        String m3Peer = "127.0.0.1:" + m3.transferAddress().getPort();
        assertThat(nodes.events(client).all(NodeEvent.Warning.class)).anySatisfy(w -> assertThat(w.message())
                .contains("no more pieces from " + m3Peer, "TLS handshake with " + m3Peer,
                        "is not one this node was told to accept"));
        assertThat(Poll.stats(m3).rangesServed()).as("nothing asked of the impostor").isZero();
        assertThat(Poll.stats(m1).rangesServed()).isPositive();
        assertThat(Poll.stats(m2).rangesServed()).isPositive();
    }

    @Test
    void aRelayThatAltersOneSourcesBytesFailsThatSourceOnlyAndTheFileStillVerifies() throws Exception {
        Node m1 = holder("m1", b -> b);
        Node m2 = holder("m2", b -> b);
        Node client = client(List.of(m1, m2), true);
        Fingerprint asM1 = NodeIdentity.load(tmp.resolve("keys/m1.pem")).fingerprint();
        try (SecureClusterTest.Relay relay = new SecureClusterTest.Relay(m1.transferAddress(), 100_000)) {
            client.post(new Command.Fetch("many.bin"));
            answerWithRanges(asM1, client, relay.listener.getLocalPort()); // m1's certificate, through the relay

            assertThat(finished(client).peer()).isEqualTo("3 sources");
            synchronized (relay.seen) {
                assertThat(relay.seen.size()).as("the relay changed a byte it passed on").isGreaterThan(100_000);
            }
            String relayed = "127.0.0.1:" + relay.listener.getLocalPort();
            List<String> dropped = nodes.events(client).all(NodeEvent.Warning.class).stream()
                    .map(NodeEvent.Warning::message).filter(m -> m.contains("no more pieces from")).toList();
            assertThat(dropped).singleElement().asString().contains("no more pieces from " + relayed);
            assertThat(nodes.events(client).all(NodeEvent.DigestMismatch.class)).as("TLS caught it, not the digest")
                    .isEmpty();
        }
    }

    // ---- resume: a secure download stopped halfway keeps its whole pieces ----

    /** Five pieces and a bit: at the servers' rate limits, a few seconds over TLS. */
    private static final int BIG = 5 * (int) PIECE + 11;

    private static long sent(List<Node> servers) {
        long n = 0;
        for (Node s : servers) {
            n += Poll.stats(s).bytesSent();
        }
        return n;
    }

    /**
     * {@code servers} serve {@code many.bin} ({@link #BIG} bytes) to a client that is stopped once
     * half of it is in, then started again on the same folder and identity and asked again: the
     * kept pieces are not fetched again, and the file verifies.
     */
    private void stoppedHalfwayThenResumed(List<Node> servers) throws Exception {
        Node first = client(servers, false);
        Path folder = TestCluster.folder(first);
        first.post(new Command.Fetch("many.bin"));
        nodes.events(first).await(NodeEvent.DownloadProgress.class, p -> p.received() >= BIG / 2, WAIT);
        first.close(); // as SIGTERM does: the loop stops, the download fails
        assertThat(nodes.events(first).all(NodeEvent.DownloadFailed.class)).singleElement()
                .satisfies(f -> assertThat(f.reason()).contains("pieces kept"));
        assertThat(TestCluster.partials(folder)).hasSize(2);
        int kept = piecesIn(folder);
        assertThat(kept).isPositive();
        // a server sends until it sees the connection gone: count its bytes once its uploads ended
        for (Node s : servers) {
            Poll.until(WAIT, () -> Poll.stats(s), st -> st.uploadsOpen() == 0);
        }
        long sentBefore = sent(servers);

        Node second = client(servers, false); // the same folder and identity, new ports
        second.post(new Command.Fetch("many.bin"));
        finished(second);
        assertThat(nodes.events(second).all(NodeEvent.DownloadProgress.class)).first()
                .satisfies(p -> assertThat(p.received()).as("the first progress shows the kept pieces")
                        .isEqualTo(kept * PIECE));
        long missing = BIG - kept * PIECE;
        // the end game's second asks: at most one piece per source, and none with one source
        long endGame = servers.size() == 1 ? 0 : servers.size() * PIECE;
        assertThat(sent(servers) - sentBefore).as("sent after the restart: the missing pieces")
                .isBetween(missing, missing + endGame);
        // over both runs: besides, the piece each source had in flight at the stop
        assertThat(sent(servers) - BIG).as("bytes sent twice").isLessThanOrEqualTo(servers.size() * PIECE + endGame);
    }

    @Test
    void aSecureDownloadFromOneMemberStoppedHalfwayResumesAfterARestart() throws Exception {
        stoppedHalfwayThenResumed(List.of(holder("solo", BIG, b -> b.maxUploadRate(8L << 20))));
    }

    @Test
    void aSecureDownloadFromTwoMembersStoppedHalfwayResumesAfterARestart() throws Exception {
        stoppedHalfwayThenResumed(List.of(holder("m1", BIG, b -> b.maxUploadRate(4L << 20)),
                holder("m2", BIG, b -> b.maxUploadRate(4L << 20))));
    }

    private static int piecesIn(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            Path rec = s.filter(p -> p.getFileName().toString().endsWith(".rec")).findFirst().orElseThrow();
            String done = Files.readAllLines(rec).stream().filter(l -> l.startsWith("done=")).findFirst()
                    .map(l -> l.substring(5)).orElse("");
            int n = 0;
            for (String run : done.isEmpty() ? new String[0] : done.split(",")) {
                String[] ab = run.split("-");
                n += Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1;
            }
            return n;
        }
    }
}
