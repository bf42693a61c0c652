package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.Fingerprint;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Seal;
import p2pnio.secure.Tls;
import p2pnio.wire.TransferHeader;

/**
 * {@link BadUploadRequestsTest}'s hostile requests sent inside TLS by a member (issue 15): a
 * client whose certificate a member's sealed datagram announced, so the node finishes the
 * handshake and reads the request line. Each request goes to a node in secure mode and, as plain
 * TCP, to a plain node sharing the same folder: the secure node answers the same bytes (none, or
 * the same {@code REFUSED} line), fails the upload for the same reason, counts it, and serves a
 * member's whole download over TLS afterwards. Nothing outside the folder is ever sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureBadUploadRequestsTest {

    /** Both nodes' clock: the request-line deadline and the index's one-rescan-a-second pass. */
    private final TestClock clock = new TestClock();
    private final Recorder plainEvents = new Recorder();
    private final Recorder secureEvents = new Recorder();
    private Node plain;
    private Node secure;
    private byte[] hello;
    /** The member's TLS context: its own certificate, and only the secure node's accepted. */
    private SSLContext member;

    @BeforeAll
    void aPlainAndASecureNodeSharingOneFolderAndAMemberTheSecureNodeHeardOf(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("shared"));
        hello = BadUploadRequestsTest.aFolderWithLinksPointingOutside(folder, Files.createDirectories(tmp.resolve("outside")));
        Path secret = tmp.resolve("keys/cluster.secret");
        ClusterSecret.create(secret, false);
        NodeConfig.Builder config = NodeConfig.builder().port(0).folder(folder).period(Duration.ofHours(1))
                .requestLineTimeout(Duration.ofSeconds(2));
        plain = clock.start(config.build(), plainEvents);
        secure = clock.start(config.secret(secret).identity(tmp.resolve("keys/node.pem")).build(), secureEvents);
        Fingerprint nodes = NodeIdentity.load(tmp.resolve("keys/node.pem")).fingerprint();
        NodeIdentity identity = NodeIdentity.generate();
        member = Tls.context(identity, nodes::equals);
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Seal seal = new Seal(ClusterSecret.read(secret), identity.fingerprint(), to -> false,
                    System::currentTimeMillis, Duration.ofSeconds(30));
            byte[] sealed = SecureClusterTest.bytes(seal.seal(secure.controlAddress(),
                    ("DISCOVER,127.0.0.1:" + udp.getLocalPort() + "\n").getBytes(StandardCharsets.US_ASCII)));
            udp.send(new DatagramPacket(sealed, sealed.length, secure.controlAddress()));
            Poll.datagramsIn(secure, 1); // the node now knows the member's fingerprint
        }
        aMemberDownloadsOverTls();
    }

    @AfterAll
    void stop() {
        plain.close();
        secure.close();
    }

    /** A plain TCP client of the plain node. */
    private RawClient plainClient() throws IOException {
        return new RawClient(plain.transferAddress());
    }

    /** The member's TLS client of the secure node (the handshake runs with the first write). */
    private RawClient memberClient() throws IOException {
        InetSocketAddress at = secure.transferAddress();
        return new RawClient(member.getSocketFactory().createSocket(at.getAddress(), at.getPort()));
    }

    /** What one node answered to a refused request and why its upload failed. */
    private record Refusal(String reply, String reason) { }

    @ParameterizedTest(name = "refused inside TLS: {0}")
    @MethodSource("p2pnio.hostile.BadUploadRequestsTest#refusedRequests")
    void aRequestThatNamesNothingServableIsRefusedInsideTlsForTheReasonItHasInPlainMode(String request)
            throws Exception {
        Refusal[] both = refuseOnBothNodes(request);
        assertThat(both[0].reply()).as("the plain node's reply").isEmpty();
        assertThat(both[1]).isEqualTo(both[0]);
        aMemberDownloadsOverTls();
    }

    @ParameterizedTest(name = "refused inside TLS: {0}")
    @ValueSource(strings = {
        "Get,hello.bin,p2pnio/1,30000,1\n", // a range past the end
        "Get,hello.bin,p2pnio/1,0,30001\n",
        "Get,hello.bin,p2pnio/1,-5,10\n", // a malformed range
        "Get,missing.bin,p2pnio/1,0,10\n", // a range of a missing file
        "Get,missing.bin\n"})
    void aRangeOutOfBoundsOrAMissingFileIsRefusedInsideTlsAsInPlainMode(String request) throws Exception {
        Refusal[] both = refuseOnBothNodes(request);
        assertThat(both[1]).isEqualTo(both[0]);
        assertThat(both[1].reply()).as("nothing, or the REFUSED line alone: never a file byte").matches("|REFUSED,[^\n]*\n");
        aMemberDownloadsOverTls();
    }

    @Test
    void aRequestLineLongerThanTheLimitIsRefusedInsideTlsAsInPlainMode() throws Exception {
        Refusal[] both = refuseOnBothNodes("Get," + "x".repeat(3000) + "\n");
        assertThat(both[1]).isEqualTo(both[0]);
        assertThat(both[1].reason()).isEqualTo("request line longer than 2048 bytes");
        aMemberDownloadsOverTls();
    }

    @Test
    void aRequestWithoutItsNewlineIsDroppedAtTheDeadlineInsideTlsAsInPlainMode() throws Exception {
        int plainBefore = plainEvents.all(NodeEvent.UploadFailed.class).size();
        int secureBefore = secureEvents.all(NodeEvent.UploadFailed.class).size();
        try (RawClient p = plainClient(); RawClient s = memberClient()) {
            p.send("Get,hello.bin");
            s.send("Get,hello.bin");
            Poll.until(Duration.ofSeconds(10), () -> uploadStates(secure), st -> st.equals(List.of("READ_REQUEST")));
            Poll.until(Duration.ofSeconds(10), () -> uploadStates(plain), st -> st.equals(List.of("READ_REQUEST")));
            clock.advance(Duration.ofMillis(1999));
            assertThat(uploadStates(secure)).as("still waiting for the newline at 1.999 s").containsExactly("READ_REQUEST");
            clock.advance(Duration.ofMillis(1));
            assertThat(p.readAll()).isEmpty();
            assertThat(s.readAll()).isEmpty();
        }
        String reason = failure(plainEvents, plainBefore);
        assertThat(reason).contains("no complete request line within 2 s");
        assertThat(failure(secureEvents, secureBefore)).isEqualTo(reason);
        aMemberDownloadsOverTls();
    }

    /**
     * Sends {@code request} to the plain node over TCP and to the secure node inside the member's
     * TLS, lets a second of their time pass (a name not in the index waits for a rescan), and
     * returns what each replied and the reason each gave, once each counted the upload as failed.
     */
    private Refusal[] refuseOnBothNodes(String request) throws Exception {
        long plainFailed = Poll.stats(plain).uploadsFailed();
        long secureFailed = Poll.stats(secure).uploadsFailed();
        int plainBefore = plainEvents.all(NodeEvent.UploadFailed.class).size();
        int secureBefore = secureEvents.all(NodeEvent.UploadFailed.class).size();
        String plainReply;
        String secureReply;
        try (RawClient p = plainClient(); RawClient s = memberClient()) {
            p.send(request);
            s.send(request);
            Poll.until(Duration.ofSeconds(10), () -> uploadStates(secure), st -> !st.contains("HANDSHAKE_READ")
                    && !st.contains("HANDSHAKE_WRITE") && !st.contains("HANDSHAKE_TASK"));
            clock.advance(Duration.ofSeconds(1));
            plainReply = new String(p.readAll(), StandardCharsets.ISO_8859_1);
            secureReply = new String(s.readAll(), StandardCharsets.ISO_8859_1);
        }
        assertThat(secureReply).as("nothing from outside the folder").doesNotContain("SECRET");
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(plain).uploadsFailed(), n -> n == plainFailed + 1);
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(secure).uploadsFailed(), n -> n == secureFailed + 1);
        return new Refusal[] {new Refusal(plainReply, failure(plainEvents, plainBefore)),
            new Refusal(secureReply, failure(secureEvents, secureBefore))};
    }

    /** The reason of the first upload failure {@code events} recorded after its first {@code before}. */
    private static String failure(Recorder events, int before) {
        return Poll.until(Duration.ofSeconds(5), () -> events.all(NodeEvent.UploadFailed.class),
                f -> f.size() > before).get(before).reason();
    }

    private static List<String> uploadStates(Node node) {
        try {
            return node.transfers().get(5, TimeUnit.SECONDS).stream().filter(t -> t.direction().equals("upload")
                    && !t.state().equals("DONE") && !t.state().equals("FAILED")).map(t -> t.state()).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A member's ordinary request inside TLS gets the reference header and the whole file. */
    private void aMemberDownloadsOverTls() throws IOException {
        try (RawClient c = memberClient()) {
            byte[] reply = c.send("Get,hello.bin\n").readAll();
            assertThat(Arrays.copyOf(reply, TransferHeader.BYTES)).isEqualTo(TransferHeader.encode(hello.length, "hello.bin"));
            assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).isEqualTo(hello);
        }
    }
}
