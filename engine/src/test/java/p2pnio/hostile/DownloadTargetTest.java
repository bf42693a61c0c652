package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.wire.TransferHeader;

/**
 * Where a download's bytes go: into a partial file of its own, created exclusively, and under
 * the final name only when whole and never over a file already there. Two downloads of one name
 * into one folder never share bytes, and the user's own file is never lost.
 */
class DownloadTargetTest {

    @TempDir
    Path tmp;
    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        return closer.keep(c);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A server that sends the header and half the body, waits for {@code together}, then the rest. */
    private FakePeer halfThenRest(String name, byte[] body, CountDownLatch together) throws IOException {
        FakePeer fake = keep(new FakePeer());
        fake.on(name, (n, s, out) -> {
            out.write(TransferHeader.encode(body.length, n));
            out.write(body, 0, body.length / 2);
            out.flush();
            together.countDown();
            try {
                together.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            s.close();
        });
        return fake;
    }

    @Test
    void twoNodesDownloadingOneNameIntoOneFolderFromServersWithDifferentContentNeverMixTheirBytes()
            throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("shared-by-two"));
        byte[] first = random(400_000, 1);
        byte[] second = random(400_000, 2);
        CountDownLatch together = new CountDownLatch(2); // both bodies half written before either ends
        FakePeer one = halfThenRest("x.bin", first, together);
        FakePeer two = halfThenRest("x.bin", second, together);
        Recorder eventsA = new Recorder();
        Recorder eventsB = new Recorder();
        Node a = keep(Node.start(NodeConfig.builder().port(0).folder(folder).addPeer(one.address()).build(), eventsA));
        Node b = keep(Node.start(NodeConfig.builder().port(0).folder(folder).addPeer(two.address()).build(), eventsB));
        a.post(new Command.Fetch("x.bin"));
        b.post(new Command.Fetch("x.bin"));
        NodeEvent outcomeA = eventsA.awaitOutcome("x.bin", Duration.ofSeconds(30));
        NodeEvent outcomeB = eventsB.awaitOutcome("x.bin", Duration.ofSeconds(30));
        assertThat(outcomeA).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(outcomeB).isInstanceOf(NodeEvent.DownloadFinished.class);
        Path savedA = ((NodeEvent.DownloadFinished) outcomeA).file();
        Path savedB = ((NodeEvent.DownloadFinished) outcomeB).file();
        // Each download's file holds exactly the bytes of its own server, under its own name.
        assertThat(savedA).isNotEqualTo(savedB);
        assertThat(Files.readAllBytes(savedA)).isEqualTo(first);
        assertThat(Files.readAllBytes(savedB)).isEqualTo(second);
        assertThat(names(folder)).containsExactlyInAnyOrder("x.bin", "x (1).bin");
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private Node nodeFetchingFrom(Path folder, String peer, Recorder events) throws IOException {
        return keep(Node.start(NodeConfig.builder().port(0).folder(folder).addPeer(peer).build(), events));
    }

    private FakePeer serving(String name, byte[] body) throws IOException {
        FakePeer fake = keep(new FakePeer());
        fake.on(name, (n, s, out) -> {
            out.write(TransferHeader.encode(body.length, n));
            out.write(body);
            out.flush();
            s.close();
        });
        return fake;
    }

    @Test
    void anExistingLocalFileIsKeptAndTheDownloadSavedBesideIt() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(folder.resolve("local.txt"), "my own notes, not to be lost\n");
        byte[] remote = "the remote local.txt\n".getBytes(StandardCharsets.US_ASCII);
        Recorder events = new Recorder();
        Node node = nodeFetchingFrom(folder, serving("local.txt", remote).address(), events);
        Map<String, byte[]> expected = new HashMap<>();
        for (String saved : List.of("local (1).txt", "local (2).txt")) {
            int before = events.all(NodeEvent.DownloadFinished.class).size();
            node.post(new Command.Fetch("local.txt"));
            Poll.until(Duration.ofSeconds(20), () -> events.all(NodeEvent.DownloadFinished.class).size()
                    + events.all(NodeEvent.DownloadFailed.class).size(), n -> n > before);
            assertThat(events.all(NodeEvent.DownloadFailed.class)).isEmpty();
            NodeEvent.DownloadFinished finished = events.all(NodeEvent.DownloadFinished.class).get(before);
            assertThat(finished.file().getFileName().toString()).isEqualTo(saved);
            expected.put(saved, remote);
        }
        assertThat(folder.resolve("local.txt")).hasContent("my own notes, not to be lost");
        for (var e : expected.entrySet()) {
            assertThat(Files.readAllBytes(folder.resolve(e.getKey()))).isEqualTo(e.getValue());
        }
        Folders.assertNoPartialFile(folder);
    }

    @Test
    void theKeptCopyOfA255ByteNameStillFitsTheFileSystem() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("mine"));
        String name = "L".repeat(251) + ".txt"; // 255 bytes: "name (1).txt" must be cut to fit
        Files.writeString(folder.resolve(name), "mine\n");
        byte[] remote = "theirs\n".getBytes(StandardCharsets.US_ASCII);
        Recorder events = new Recorder();
        Node node = nodeFetchingFrom(folder, serving(name, remote).address(), events);
        node.post(new Command.Fetch(name));
        NodeEvent outcome = events.awaitOutcome(name, Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        Path saved = ((NodeEvent.DownloadFinished) outcome).file();
        assertThat(saved.getFileName().toString()).isEqualTo("L".repeat(247) + " (1).txt");
        assertThat(Files.readAllBytes(saved)).isEqualTo(remote);
        assertThat(folder.resolve(name)).hasContent("mine");
    }

    @Test
    void aNodeStartingOnAFolderDeletesThePartialDownloadsOfAProcessThatDied() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("after-a-crash"));
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path record = Files.writeString(folder.resolve(".p2p-0123456789abcdef.rec"),
                "p2pnio partial 1\nname=x.bin\nsize=3\npeer=127.0.0.1:9\npid=" + gone.pid() + "\nstarted=0\n");
        Path part = Files.writeString(folder.resolve(".p2p-0123456789abcdef.part"), "abc");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofMinutes(10)));
        Files.setLastModifiedTime(record, old);
        Files.setLastModifiedTime(part, old);
        Recorder events = new Recorder();
        keep(Node.start(NodeConfig.builder().port(0).folder(folder).build(), events));
        events.await(NodeEvent.Warning.class, w -> w.message().startsWith("deleted 1 partial download(s) left in"),
                Duration.ofSeconds(10));
        assertThat(names(folder)).isEmpty();
    }
}
