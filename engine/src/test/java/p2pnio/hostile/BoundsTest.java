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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.DropReason;
import p2pnio.wire.TransferHeader;

/**
 * Every bound of NodeConfig that protects a node from a hostile or broken peer, each set low and
 * crossed on real loopback sockets: what crosses it is refused or cut, and counted, and what stays
 * within it is not slowed. (The download-side idle and connect timeouts are crossed by the fake
 * servers of {@link MaliciousServerTest}; the cluster cap by {@link BadDatagramsTest}.)
 */
class BoundsTest {

    @TempDir
    Path folder;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Recorder events = new Recorder();
    /** The node's clock: its deadlines and timeouts pass when the test moves it. */
    private final TestClock clock = new TestClock();
    private byte[] hello;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Node node(UnaryOperator<NodeConfig.Builder> bounds) throws IOException {
        hello = Files.readAllBytes(Folders.randomFile(folder, "hello.bin", 50_000));
        Node n = clock.start(bounds.apply(NodeConfig.builder().port(0).folder(folder).period(Duration.ofHours(1)))
                .build(), events);
        open.add(n);
        return n;
    }

    private RawClient client(Node n) throws IOException {
        RawClient c = new RawClient(n.transferAddress());
        open.add(c);
        return c;
    }

    private void servesHelloInFull(RawClient c) throws IOException {
        byte[] reply = c.send("Get,hello.bin\n").readAll();
        assertThat(reply).hasSize(TransferHeader.BYTES + hello.length);
        assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).isEqualTo(hello);
    }

    @Test
    void aRequestLineLongerThanTheBoundIsRefusedAsSoonAsTheBoundIsPassed() throws Exception {
        String name59 = "n".repeat(59);
        byte[] file59 = Files.readAllBytes(Folders.randomFile(folder, name59, 1000)); // in the index from the start
        Node n = node(b -> b.maxRequestLineBytes(64).requestLineTimeout(Duration.ofSeconds(30)));
        // "Get," + 59 + "\n" is exactly 64 bytes: served.
        try (RawClient c = client(n)) {
            assertThat(c.send("Get," + name59 + "\n").readAll()).hasSize(TransferHeader.BYTES + file59.length);
        }
        try (RawClient c = client(n)) {
            c.send("Get," + "n".repeat(61)); // 65 bytes, no newline yet: refused without waiting for more
            assertThat(c.readAll()).as("closed while the node's clock stands still").isEmpty();
        }
        events.await(NodeEvent.UploadFailed.class, f -> f.reason().contains("longer than 64 bytes"), Duration.ofSeconds(5));
        servesHelloInFull(client(n));
    }

    @Test
    void aSlowlorisClientTricklingBytesIsDroppedAtTheRequestLineDeadlineWhichTheBytesDoNotExtend() throws Exception {
        Node n = node(b -> b.requestLineTimeout(Duration.ofSeconds(2)));
        RawClient c = client(n);
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(n).uploadsOpen(), open -> open == 1); // accepted: 0 s
        for (int tenths = 1; tenths <= 19; tenths++) {
            c.send("a"); // the attack itself: a byte at a time, never the newline
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(Poll.stats(n).uploadsOpen()).as("open at 1.9 s, 19 bytes in").isEqualTo(1);
        c.send("a");
        clock.advance(Duration.ofMillis(100));
        assertThat(c.closedByServer()).as("closed at 2.0 s: the bytes did not extend the deadline").isTrue();
        events.await(NodeEvent.UploadFailed.class, f -> f.reason().contains("no complete request line within 2 s"),
                Duration.ofSeconds(5));
        servesHelloInFull(client(n));
    }

    @Test
    void anUploadWhoseClientStopsReadingIsCutAfterTheIdleTimeout() throws Exception {
        Folders.randomFile(folder, "big.bin", 64 << 20);
        Node n = node(b -> b.idleTimeout(Duration.ofSeconds(2)));
        RawClient c = new RawClient(n.transferAddress(), 4096);
        open.add(c);
        c.send("Get,big.bin\n");
        assertThat(c.read(TransferHeader.BYTES)).hasSize(TransferHeader.BYTES);
        // ...and never reads again. The upload fills the socket buffers, then moves nothing: once
        // 2 s of the node's time pass without a byte sent, it is cut.
        long sentBefore = -1;
        for (long sent = Poll.stats(n).bytesSent(); sent != sentBefore; sent = Poll.stats(n).bytesSent()) {
            sentBefore = sent;
            clock.advance(Duration.ofMillis(500)); // less than the timeout: a moving upload is never cut
        }
        assertThat(events.all(NodeEvent.UploadFailed.class)).as("cut before 2 s without progress").isEmpty();
        clock.advance(Duration.ofSeconds(2));
        NodeEvent.UploadFailed failed = events.await(NodeEvent.UploadFailed.class,
                f -> f.name().equals("big.bin"), Duration.ofSeconds(15));
        assertThat(failed.reason()).contains("client read nothing for 2 s");
        NodeStats s = Poll.until(Duration.ofSeconds(5), () -> Poll.stats(n), st -> st.uploadsOpen() == 0);
        assertThat(s.uploadsFailed()).isEqualTo(1);
        servesHelloInFull(client(n));
    }

    @Test
    void connectionsAboveMaxUploadsAreClosedAtOnceAndCountedWhileTheOpenOnesAreServed() throws Exception {
        Node n = node(b -> b.maxUploads(2).requestLineTimeout(Duration.ofSeconds(30)));
        RawClient first = client(n);
        RawClient second = client(n);
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(n).uploadsOpen(), open -> open == 2);
        for (int i = 0; i < 5; i++) {
            try (RawClient extra = client(n)) {
                assertThat(extra.closedByServer()).as("connection above the limit").isTrue();
            }
        }
        assertThat(Poll.stats(n).connectionsRefused()).isEqualTo(5);
        servesHelloInFull(first);
        servesHelloInFull(second);
        first.close(); // their uploads end (DRAIN -> DONE) when the clients close
        second.close();
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(n).uploadsOpen(), open -> open == 0);
        servesHelloInFull(client(n));
        assertThat(Poll.stats(n).connectionsRefused()).isEqualTo(5);
    }

    @Test
    void aDownloadAboveMaxDownloadsFailsAtOnceAndCountedWhileTheRunningOneGoesOn() throws Exception {
        try (FakePeer slow = new FakePeer()) {
            Path honestFolder = Files.createDirectories(folder.resolve("honest"));
            Folders.randomFile(honestFolder, "good.bin", 10_000);
            Node honest = Node.start(NodeConfig.builder().port(0).folder(honestFolder).delay(Duration.ZERO).build(),
                    e -> { });
            open.add(honest);
            slow.on("slow.bin", (name, s, out) -> {
                out.write(("1000000" + ":".repeat(3) + "slow.bin" + ":".repeat(56)).getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[1000]);
                out.flush();
            });
            Path mine = Files.createDirectories(folder.resolve("mine"));
            Node n = Node.start(NodeConfig.builder().port(0).folder(mine).delay(Duration.ZERO).maxDownloads(1)
                    .addPeer(slow.address()).addPeer(honest.address()).build(), events);
            open.add(n);
            n.post(new Command.Fetch("slow.bin"));
            events.await(NodeEvent.DownloadStarted.class, d -> d.name().equals("slow.bin"), Duration.ofSeconds(10));
            n.post(new Command.Fetch("good.bin"));
            NodeEvent refused = events.awaitOutcome("good.bin", Duration.ofSeconds(10));
            assertThat(refused).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) refused).reason()).contains("too many downloads at once (limit 1)");
            NodeStats s = Poll.stats(n);
            assertThat(s.downloadsFailed()).isEqualTo(1);
            assertThat(s.connectionsRefused()).as("refusals by a limit are counted apart from other failures")
                    .isEqualTo(1);
            assertThat(s.downloadsOpen()).isEqualTo(1);
            assertThat(Folders.partials(mine)).filteredOn(p -> p.toString().endsWith(".part")).hasSize(1);
            n.post(new Command.Cancel("slow.bin"));
            events.await(NodeEvent.DownloadFailed.class, d -> d.name().equals("slow.bin"), Duration.ofSeconds(5));
            Folders.assertNoPartialFile(mine);
            // The slot is free again: asked once more, good.bin arrives, and nothing fails on the way.
            int seen = events.events().size();
            n.post(new Command.Fetch("good.bin"));
            List<NodeEvent> since = Poll.until(Duration.ofSeconds(10), () -> events.events().subList(seen,
                    events.events().size()), e -> e.stream().anyMatch(x -> x instanceof NodeEvent.DownloadFinished));
            assertThat(since).noneMatch(e -> e instanceof NodeEvent.DownloadFailed)
                    .filteredOn(e -> e instanceof NodeEvent.DownloadFinished).singleElement()
                    .extracting(e -> ((NodeEvent.DownloadFinished) e).name()).isEqualTo("good.bin");
            assertThat(TestFiles.sha256(mine.resolve("good.bin"))).isEqualTo(TestFiles.sha256(honestFolder.resolve("good.bin")));
        }
    }

    @Test
    void getsAbovetheRatePerPeerPerSecondAreDroppedAndCounted() throws Exception {
        Node n = node(b -> b.getAnswersPerPeerPerSecond(5).delay(Duration.ZERO));
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] get = "Get,hello.bin\n".getBytes(StandardCharsets.UTF_8);
            long t0 = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                peer.send(new DatagramPacket(get, get.length, n.controlAddress()));
            }
            long seconds = 1 + Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            NodeStats s = Poll.datagramsIn(n, 500);
            long limited = s.dropped().getOrDefault(DropReason.GET_RATE_LIMITED.name(), 0L);
            assertThat(limited).isGreaterThanOrEqualTo(500 - 5 * (seconds + 1));
            assertThat(s.timersPending()).isLessThan(20);
        }
    }

    @Test
    void delayedAnswersStopAtMaxScheduledAnswersSoAFloodOfGetsQueuesNoUnboundedTimers() throws Exception {
        Node n = node(b -> b.delay(Duration.ofMinutes(5)).maxScheduledAnswers(20));
        List<DatagramSocket> peers = new ArrayList<>();
        try {
            byte[] get = "Get,hello.bin\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200; i++) {
                DatagramSocket p = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                peers.add(p);
                p.send(new DatagramPacket(get, get.length, n.controlAddress()));
            }
            Poll.datagramsIn(n, 200);
            NodeStats s = Poll.until(Duration.ofSeconds(5), () -> Poll.stats(n),
                    st -> st.dropped().getOrDefault(DropReason.GET_RATE_LIMITED.name(), 0L) == 180);
            assertThat(s.timersPending()).as("timers pending after 200 Gets").isLessThanOrEqualTo(20 + 5);
        } finally {
            for (DatagramSocket p : peers) {
                p.close();
            }
        }
    }

    @Test
    void aDatagramOfExactlyTheLimitIsReadAndOneByteMoreIsDroppedAsTooLarge() throws Exception {
        Node n = node(b -> b.maxDatagramBytes(100));
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String base = "DISCOVER,127.0.0.1:1";
            byte[] exact = (base + ",".repeat(100 - base.length() - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
            // (a DISCOVER one byte over would be read in part, as the reference reads it: InteropTest)
            byte[] over = ("Get," + "x".repeat(101 - 4 - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
            assertThat(exact).hasSize(100);
            assertThat(over).hasSize(101);
            peer.send(new DatagramPacket(exact, exact.length, n.controlAddress()));
            peer.send(new DatagramPacket(over, over.length, n.controlAddress()));
            NodeStats s = Poll.datagramsIn(n, 2);
            assertThat(s.dropped()).containsOnlyKeys(DropReason.TOO_LARGE.name());
            assertThat(s.dropped().get(DropReason.TOO_LARGE.name())).isEqualTo(1);
            assertThat(Poll.stats(n).peers()).as("the sender and 127.0.0.1:1 were learned").isEqualTo(2);
            assertThat(over).startsWith("Get,".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aListFullOfDeadAddressesCostsFanoutDatagramsARoundAndEmptiesOnceTheyStaySilent() throws Exception {
        // fanout, suspectAfter and removeAfter: the reflection bound of issue 13
        Node n = node(b -> b.period(Duration.ofMillis(100)).fanout(2).suspectAfter(1).removeAfter(1));
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            StringBuilder s = new StringBuilder("DISCOVER");
            for (int i = 0; i < 40; i++) {
                s.append(",127.0.33.").append(i + 1).append(":4").append(1000 + i); // nobody listens there
            }
            byte[] list = s.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(list, list.length, n.controlAddress()));
            Poll.until(Duration.ofSeconds(10), () -> Poll.stats(n).peers(), c -> c == 41);
            NodeStats before = Poll.stats(n);
            for (int round = 0; round < 10; round++) {
                clock.advance(Duration.ofMillis(100));
            }
            NodeStats after = Poll.stats(n);
            // two DISCOVERs a round to the dead (the sender, which never answers either, among them), never 41
            assertThat(after.datagramsOut() - before.datagramsOut()).isBetween(10L, 2L * 14);
            // what a round of 41 costs the loop, on the real clock (the moved one stands still within a turn)
            assertThat(after.longestRoundNanos()).as("longest discovery round").isPositive();
            // never heard from, each is removed after 4 unanswered DISCOVERs (twice suspectAfter, then
            // twice removeAfter): at 2 a round among 41, all gone in about 82 rounds
            for (int round = 0; round < 150 && Poll.stats(n).peers() > 0; round++) {
                clock.advance(Duration.ofMillis(100));
            }
            assertThat(Poll.stats(n).peers()).as("peers left after 160 rounds").isZero();
            Poll.until(Duration.ofSeconds(10), () -> events.all(NodeEvent.PeerLiveness.class).stream()
                    .filter(e -> e.state().equals("removed")).count(), c -> c >= 41);
            assertThat(events.all(NodeEvent.PeerLiveness.class)).filteredOn(e -> e.state().equals("removed")).hasSize(41);
        }
    }

    @Test
    void aBurstOfDatagramsIsAccountedForAndALargeReceiveBufferHoldsMoreOfItThanATinyOne() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/net/udp")), "needs Linux's /proc/net/udp to count kernel drops");
        long tinyLost = burst(4096);
        long largeLost = burst(4 << 20);
        System.out.println("UDP burst of 3000 at a paused node: lost with a 4 KiB buffer " + tinyLost + ", with 4 MiB "
                + largeLost);
        assertThat(tinyLost).isGreaterThan(0);
        assertThat(largeLost).isLessThan(tinyLost);
    }

    /**
     * Sends 3,000 datagrams while the node's loop is paused (step mode), so that what the kernel
     * keeps depends on the receive buffer alone, not on how fast the loop reads on a busy machine;
     * then lets the node read. Returns how many the kernel dropped.
     */
    private long burst(int receiveBuffer) throws Exception {
        Path f = Files.createTempDirectory(folder, "burst");
        try (Node n = Node.start(NodeConfig.builder().port(0).folder(f).period(Duration.ofHours(1))
                .udpReceiveBufferBytes(receiveBuffer).build(), e -> { });
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            n.pause().get(10, java.util.concurrent.TimeUnit.SECONDS);
            byte[] d = "DISCOVER,\n".getBytes(StandardCharsets.US_ASCII);
            int sent = 3_000;
            for (int i = 0; i < sent; i++) {
                peer.send(new DatagramPacket(d, d.length, n.controlAddress()));
            }
            int port = n.controlAddress().getPort();
            n.resume();
            // Every datagram is either read by the node or counted by the kernel as dropped: nothing vanishes.
            NodeStats s = Poll.until(Duration.ofSeconds(20), () -> Poll.stats(n),
                    st -> st.datagramsIn() + KernelUdp.drops(port) == sent);
            return sent - s.datagramsIn();
        }
    }
}
