package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.DropReason;

/**
 * Hostile datagrams sent to a real node over loopback: each is dropped and counted under its
 * reason (or, when legal, has only its bounded effect), nothing is answered that should not be,
 * and the node serves a normal download right after every one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadDatagramsTest {

    private Path tmp;
    private Path served;
    private Path fetcherFolder;
    private Node node;
    private Node fetcher;
    private final Recorder fetcherEvents = new Recorder();
    /** The serving node's clock: its index rescans (at most one a second) when the test says. */
    private final TestClock clock = new TestClock();
    private DatagramSocket attacker;
    private int round;

    @BeforeAll
    void aServingNodeAFetcherAndAnAttacker(@TempDir Path dir) throws IOException {
        tmp = dir;
        served = Files.createDirectories(tmp.resolve("served"));
        fetcherFolder = Files.createDirectories(tmp.resolve("fetcher"));
        Folders.randomFile(served, "hello.bin", 20_000);
        Files.writeString(tmp.resolve("secret.txt"), "outside the folder\n");
        node = clock.start(NodeConfig.builder().port(0).folder(served).delay(Duration.ZERO)
                .period(Duration.ofHours(1)).build(), event -> { });
        fetcher = Node.start(NodeConfig.builder().port(0).folder(fetcherFolder).delay(Duration.ZERO)
                .period(Duration.ofHours(1)).addPeer(node.address()).build(), fetcherEvents);
        attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    void stop() {
        attacker.close();
        fetcher.close();
        node.close();
    }

    static Stream<Arguments> hostileDatagrams() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("empty", List.of(new byte[0]), Map.of(DropReason.EMPTY, 1L)));
        cases.add(Arguments.of("binary garbage", List.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0x1a, (byte) 0xff}),
                Map.of(DropReason.NOT_UTF8, 1L)));
        cases.add(Arguments.of("invalid UTF-8 (lone continuation byte)", List.of(new byte[] {'G', 'e', 't', ',', (byte) 0x80}),
                Map.of(DropReason.NOT_UTF8, 1L)));
        cases.add(Arguments.of("no newline, no name", List.of(b("Get")), Map.of(DropReason.GET_WITHOUT_NAME, 1L)));
        cases.add(Arguments.of("64 KiB of commas", List.of(b(",".repeat(65_000))), Map.of(DropReason.TOO_LARGE, 1L)));
        cases.add(Arguments.of("exactly the datagram limit (2048 bytes) is read whole", List.of(b("DISCOVER," + "x".repeat(2048 - 9))),
                Map.of(DropReason.DISCOVER_BAD_ENTRY, 1L)));
        cases.add(Arguments.of("one byte over the datagram limit: a DISCOVER is read in part, its one entry was cut",
                List.of(b("DISCOVER," + "x".repeat(2049 - 9))),
                Map.of(DropReason.DISCOVER_TRUNCATED, 1L, DropReason.DISCOVER_CUT_ENTRY, 1L)));
        cases.add(Arguments.of("a Get one byte over the datagram limit", List.of(b("Get," + "x".repeat(2049 - 4))),
                Map.of(DropReason.TOO_LARGE, 1L)));
        // A DISCOVER of thousands of entries in one datagram: InteropTest (read like the reference reads it).
        cases.add(Arguments.of("entries without a port", List.of(b("DISCOVER,127.0.0.9,127.0.0.9:,localhost\n")),
                Map.of(DropReason.DISCOVER_BAD_ENTRY, 3L)));
        cases.add(Arguments.of("ports out of range", List.of(b("DISCOVER,127.0.0.9:0,127.0.0.9:65536,127.0.0.9:-1,127.0.0.9:99999999999\n")),
                Map.of(DropReason.DISCOVER_BAD_ENTRY, 4L)));
        cases.add(Arguments.of("an IPv6 entry that is no address", List.of(b("DISCOVER,[g::1]:80\n")),
                Map.of(DropReason.DISCOVER_BAD_ENTRY, 1L)));
        cases.add(Arguments.of("File with a huge port", List.of(b("File,1,99999999999999\n")), Map.of(DropReason.FILE_BAD_PORT, 1L)));
        cases.add(Arguments.of("File with a negative port", List.of(b("File,1,-80\n")), Map.of(DropReason.FILE_BAD_PORT, 1L)));
        cases.add(Arguments.of("File from a peer never asked", List.of(b("File,1,80\n")), Map.of(DropReason.FILE_UNSOLICITED, 1L)));
        cases.add(Arguments.of("File with another method", List.of(b("File,2,80\n")), Map.of(DropReason.FILE_UNSUPPORTED_METHOD, 1L)));
        cases.add(Arguments.of("Get of '..'", List.of(b("Get,..\n")), Map.of(DropReason.GET_BAD_NAME, 1L)));
        cases.add(Arguments.of("Get of a folder path ending in /", List.of(b("Get,sub/\n")), Map.of(DropReason.GET_BAD_NAME, 1L)));
        cases.add(Arguments.of("Get of a name ending in \\", List.of(b("Get,sub\\\n")), Map.of(DropReason.GET_BAD_NAME, 1L)));
        cases.add(Arguments.of("Get with NUL", List.of(b("Get,hello.bin\0\n")), Map.of(DropReason.CONTROL_CHARACTER, 1L)));
        cases.add(Arguments.of("Get of 10,000 characters", List.of(b("Get," + "n".repeat(10_000))), Map.of(DropReason.TOO_LARGE, 1L)));
        cases.add(Arguments.of("Get of 2,000 characters (longer than a file name)", List.of(b("Get," + "n".repeat(2000))),
                Map.of(DropReason.GET_BAD_NAME, 1L)));
        cases.add(Arguments.of("Get escaping with ../ to a file outside", List.of(b("Get,../secret.txt\n")), Map.of()));
        cases.add(Arguments.of("Get of an absolute path", List.of(b("Get,/etc/passwd\n")), Map.of()));
        cases.add(Arguments.of("Get escaping with ..\\", List.of(b("Get,..\\..\\secret.txt\n")), Map.of()));
        cases.add(Arguments.of("Get with a newline: only the first line counts", List.of(b("Get,secret.txt\nGet,hello.bin\n")), Map.of()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileDatagrams")
    void aHostileDatagramIsCountedAndTheNodeServesANormalDownloadAfterIt(
            String what, List<byte[]> datagrams, Map<DropReason, Long> expectedDrops) throws Exception {
        NodeStats before = Poll.stats(node);
        for (byte[] d : datagrams) {
            attacker.send(new DatagramPacket(d, d.length, node.controlAddress()));
        }
        NodeStats after = Poll.datagramsIn(node, before.datagramsIn() + datagrams.size());
        assertThat(drops(before, after)).as("drops by reason").isEqualTo(expectedDrops);
        // Nothing in the folder is called like any of these: the node must stay silent.
        assertThat(datagramsSentUpToAProbesAnswer(before.datagramsOut())).as("datagrams the node sent").isEqualTo(1);
        assertThat(Poll.stats(node).peers()).isLessThanOrEqualTo(2);
        normalDownloadWorks();
    }

    @Test
    void aGetThatOnlyItsBaseNameMakesServableIsAnsweredForTheFileInTheFolder() throws Exception {
        attacker.send(new DatagramPacket(b("Get,../../x/hello.bin\n"), 22, node.controlAddress()));
        String answer = receiveAnswerWithin(Duration.ofSeconds(5));
        assertThat(answer).isEqualTo("File,1," + node.transferAddress().getPort() + "\n");
    }

    @Test
    void aDiscoverWithThousandsOfEntriesOverManyDatagramsStopsAtTheClusterCap() throws Exception {
        Path f = Files.createDirectories(tmp.resolve("capped"));
        try (Node capped = Node.start(NodeConfig.builder().port(0).folder(f).maxClusterSize(50)
                .period(Duration.ofHours(1)).build(), event -> { })) {
            int sent = 0;
            int entries = 0;
            for (int d = 0; d < 30; d++) {
                StringBuilder s = new StringBuilder("DISCOVER");
                for (int i = 0; i < 100; i++) {
                    s.append(",127.0.8.").append(d + 1).append(':').append(30000 + i);
                    entries++;
                }
                byte[] bytes = b(s.append('\n').toString());
                attacker.send(new DatagramPacket(bytes, bytes.length, capped.controlAddress()));
                sent++;
            }
            NodeStats st = Poll.datagramsIn(capped, sent);
            assertThat(st.peers()).isEqualTo(50);
            // the sender itself took one place, so all but 49 entries were refused, and counted
            assertThat(st.dropped().get(DropReason.CLUSTER_FULL.name())).isEqualTo(entries - 49L);
        }
    }

    /**
     * Silence proved by order, not by waiting: asks for a file added just now, so that its lookup
     * misses and waits for a rescan, as the lookup of any name in the datagrams before it did (and
     * misses are answered in the order asked). Lets the node's rescan come and waits for the
     * probe's answer; returns how many datagrams the node has sent since {@code sentBefore}. Only
     * the probe's answer means nothing before it was answered.
     */
    private long datagramsSentUpToAProbesAnswer(long sentBefore) throws IOException {
        String probe = "probe-" + round + ".bin";
        Files.writeString(served.resolve(probe), "probe\n");
        byte[] get = b("Get," + probe + "\n");
        attacker.send(new DatagramPacket(get, get.length, node.controlAddress()));
        clock.advance(Duration.ofSeconds(1));
        assertThat(receiveAnswerWithin(Duration.ofSeconds(10))).as("the probe's answer")
                .isEqualTo("File,1," + node.transferAddress().getPort() + "\n");
        return Poll.stats(node).datagramsOut() - sentBefore;
    }

    private String receiveAnswerWithin(Duration wait) throws IOException {
        attacker.setSoTimeout((int) wait.toMillis());
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            attacker.receive(p);
            return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private void normalDownloadWorks() throws Exception {
        String name = "hello.bin";
        int before = fetcherEvents.all(NodeEvent.DownloadFinished.class).size();
        fetcher.post(new Command.Fetch(name));
        Poll.until(Duration.ofSeconds(20), () -> fetcherEvents.all(NodeEvent.DownloadFinished.class).size()
                + fetcherEvents.all(NodeEvent.DownloadFailed.class).size() * 1000, n -> n > before);
        assertThat(fetcherEvents.all(NodeEvent.DownloadFailed.class)).isEmpty();
        assertThat(TestFiles.sha256(fetcherFolder.resolve(name))).isEqualTo(TestFiles.sha256(served.resolve(name)));
        Files.delete(fetcherFolder.resolve(name));
        round++;
    }

    /** The drops counted between two readings, by reason (reasons without any left out). */
    static Map<DropReason, Long> drops(NodeStats before, NodeStats after) {
        Map<DropReason, Long> delta = new java.util.EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            long n = after.dropped().getOrDefault(reason.name(), 0L) - before.dropped().getOrDefault(reason.name(), 0L);
            if (n != 0) {
                delta.put(reason, n);
            }
        }
        return delta;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
