package p2pnio.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference-style peer itself keeps the reference node's rules, so the tests that use it can trust it. */
class ReferencePeerTest {

    private static final Duration FAST = Duration.ofMillis(100);

    @TempDir
    Path tmp;

    @Test
    void itMergesDiscoverEntriesSkippingItselfEmptyEntriesAndDuplicatesButNeverLearnsTheSender() throws Exception {
        try (ReferencePeer ref = new ReferencePeer(tmp);
             DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            send(other, ref, "DISCOVER,10.0.0.2:1378,," + ref.address() + ",10.0.0.3:1378,10.0.0.2:1378\nDISCOVER,x:1\n");
            send(other, ref, "  DISCOVER,10.0.0.4:1378  ");
            Poll.until(Duration.ofSeconds(5), ref::datagrams, d -> d.size() == 2);
            assertThat(ref.cluster()).containsExactly("10.0.0.2:1378", "10.0.0.3:1378", "10.0.0.4:1378");
        }
    }

    @Test
    void eachRoundItSendsItsWholeListToEveryPeerInIt() throws Exception {
        try (ReferencePeer b = new ReferencePeer(tmp, 0, FAST, List.of());
             ReferencePeer c = new ReferencePeer(tmp, 0, FAST, List.of());
             ReferencePeer a = new ReferencePeer(tmp, 0, FAST, List.of(b.address(), c.address()))) {
            // a tells b about c and c about b: membership is transitive through the lists, not the senders
            Poll.until(Duration.ofSeconds(5), b::cluster, l -> l.contains(c.address()));
            Poll.until(Duration.ofSeconds(5), c::cluster, l -> l.contains(b.address()));
            assertThat(b.received()).contains(new ReferencePeer.Datagram(a.address(),
                    "DISCOVER," + b.address() + "," + c.address()));
            assertThat(b.cluster()).as("the sender is not learned").doesNotContain(a.address());
        }
    }

    @Test
    void itAnswersGetForAFileItHasAndServesItWithThePaddedHeader() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Path original = TestFiles.random(theirs.resolve("a.bin"), 5000, 1);
        try (ReferencePeer server = new ReferencePeer(theirs); ReferencePeer client = new ReferencePeer(mine)) {
            Path saved = client.fetchFrom(server.address(), "../../a.bin", Duration.ofSeconds(10));
            assertThat(saved).isEqualTo(mine.resolve("a.bin"));
            assertThat(TestFiles.sha256(saved)).isEqualTo(TestFiles.sha256(original));
            assertThat(server.requests()).containsExactly("Get,../../a.bin");
            // the transcript keeps every byte as it arrived, the line ends too, and what its client read
            assertThat(server.transcript()).containsExactly("udp <- Get,../../a.bin\n", "tcp server <- Get,../../a.bin\n");
            assertThat(client.transcript()).hasSize(3);
            assertThat(client.transcript().get(0)).matches("udp \\(fetch\\) <- File,1,[0-9]+\n");
            assertThat(client.transcript().subList(1, 3)).containsExactly(
                    "tcp client <- " + new String(ReferencePeer.header(5000, "a.bin"), StandardCharsets.UTF_8),
                    "tcp client <- " + new String(Files.readAllBytes(original), StandardCharsets.UTF_8));
            assertThat(client.datagrams()).as("the answer came to the fetching socket, not its control socket").isEmpty();
        }
        assertThat(new String(ReferencePeer.header(33, "a.txt"), StandardCharsets.US_ASCII))
                .isEqualTo("33::::::::a.txt" + ":".repeat(59));
    }

    private static void send(DatagramSocket from, ReferencePeer to, String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int port = Integer.parseInt(to.address().substring(to.address().lastIndexOf(':') + 1));
        from.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
}
