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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.TransferHeader;

/**
 * Download replies from a hostile server: every broken reply fails the download with a clear
 * reason, is counted, leaves no partial file (and nothing outside the folder), and the next
 * normal download from an honest peer still works.
 */
class MaliciousServerTest {

    @TempDir
    Path tmp;
    private Path folder;
    private Path honestFolder;
    private FakePeer evil;
    private Node honest;
    private Node node;
    private Path mounted;
    private final Recorder events = new Recorder();
    /** The downloading node's clock: its idle and connect timeouts pass when the test moves it. */
    private final TestClock clock = new TestClock();

    @BeforeEach
    void nodeWithOneHonestAndOneEvilPeer() throws IOException {
        folder = Files.createDirectories(tmp.resolve("shared"));
        start(folder);
    }

    private void start(Path nodeFolder) throws IOException {
        honestFolder = Files.createDirectories(tmp.resolve("honest"));
        Folders.randomFile(honestFolder, "good.bin", 100_000);
        evil = evilPeer();
        honest = Node.start(mode("honest", NodeConfig.builder().port(0).folder(honestFolder).delay(Duration.ZERO)).build(),
                event -> { });
        node = clock.start(mode("node", NodeConfig.builder().port(0).folder(nodeFolder).delay(Duration.ZERO)
                .idleTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2))
                .waiting(Duration.ofSeconds(10))
                .addPeer(evil.address()).addPeer(honest.address())).build(), events);
    }

    /** The malicious server: plain here; a member serving over TLS in {@link SecureMaliciousServerTest}. */
    FakePeer evilPeer() throws IOException {
        return new FakePeer();
    }

    /** The mode of the node called {@code who} ("node", "honest"): plain here, secure in {@link SecureMaliciousServerTest}. */
    NodeConfig.Builder mode(String who, NodeConfig.Builder config) throws IOException {
        return config;
    }

    @AfterEach
    void stopAndUnmount() throws Exception {
        stop();
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor();
        }
    }

    private void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (honest != null) {
            honest.close();
        }
        if (evil != null) {
            evil.close();
        }
    }

    /**
     * Moves the node to a folder whose free space is, on purpose, above or below what the largest
     * ten-digit SIZE needs (9,999,999,999 bytes): a tmpfs of 16 GiB or of {@code smallSize} (a tmpfs
     * is a limit, not an allocation) when a tmpfs can be mounted (root), else the temporary folder
     * itself if its free space happens to be on the side asked for; otherwise the test is skipped.
     */
    private void restartInAFolderWithFreeSpace(boolean aboveTheLargestSize, String smallSize) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(aboveTheLargestSize ? "roomy" : "cramped"));
        if (mountTmpfs(dir, aboveTheLargestSize ? "16g" : smallSize)) {
            mounted = dir;
        } else {
            long usable = Files.getFileStore(tmp).getUsableSpace();
            Assumptions.assumeTrue(usable > TransferHeader.MAX_SIZE == aboveTheLargestSize, "cannot mount a tmpfs"
                    + " (needs root), and the temporary folder's free space (" + usable + " bytes) is on the wrong side");
        }
        long usable = Files.getFileStore(dir).getUsableSpace();
        assertThat(usable > TransferHeader.MAX_SIZE).as("free space %d bytes", usable).isEqualTo(aboveTheLargestSize);
        stop();
        folder = dir;
        start(dir);
    }

    private static byte[] header(String size, String name) {
        String s = size + ":".repeat(Math.max(0, 10 - size.length()));
        String n = name + ":".repeat(Math.max(0, 64 - name.getBytes(StandardCharsets.UTF_8).length));
        return (s + n).getBytes(StandardCharsets.UTF_8);
    }

    /** Fetches {@code name} from the evil peer and returns the failure reason, asserting the counts. */
    private String fetchFails(String name) throws Exception {
        long failedBefore = Poll.stats(node).downloadsFailed();
        node.post(new Command.Fetch(name));
        NodeEvent outcome = events.awaitOutcome(name, Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
        assertThat(Poll.stats(node).downloadsFailed()).isEqualTo(failedBefore + 1);
        assertThat(folder.resolve(name)).doesNotExist();
        Folders.assertNoPartialFile(folder);
        assertNoStrayFileNextToTheFolder();
        return ((NodeEvent.DownloadFailed) outcome).reason();
    }

    private void assertNoStrayFileNextToTheFolder() throws IOException {
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .containsOnly("shared", "honest", folder.getFileName().toString());
        }
    }

    /**
     * Fetches {@code name} from the evil peer, waits until its download is stuck in {@code state}
     * ("STATE bytes-received"), then lets the node's time pass: nothing fails a moment before {@code timeout},
     * the download fails at it. Returns the failure reason, the counts asserted.
     */
    private String fetchTimesOut(String name, String state, Duration timeout) throws Exception {
        long failedBefore = Poll.stats(node).downloadsFailed();
        node.post(new Command.Fetch(name));
        Poll.until(Duration.ofSeconds(10), this::downloadStates, states -> states.equals(List.of(state)));
        clock.advance(timeout.minusMillis(1));
        assertThat(downloadStates()).as("a moment before the timeout").containsExactly(state);
        clock.advance(Duration.ofMillis(1));
        NodeEvent outcome = events.awaitOutcome(name, Duration.ofSeconds(10));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
        assertThat(Poll.stats(node).downloadsFailed()).isEqualTo(failedBefore + 1);
        assertThat(folder.resolve(name)).doesNotExist();
        Folders.assertNoPartialFile(folder);
        return ((NodeEvent.DownloadFailed) outcome).reason();
    }

    private List<String> downloadStates() {
        try {
            return node.transfers().get(5, java.util.concurrent.TimeUnit.SECONDS).stream()
                    .filter(t -> t.direction().equals("download") && !t.state().equals("DONE")
                            && !t.state().equals("FAILED"))
                    .map(t -> t.state() + " " + t.bytes()).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** After any hostile reply, an ordinary download from the honest peer works. */
    private void normalDownloadStillWorks() throws Exception {
        node.post(new Command.Fetch("good.bin"));
        NodeEvent outcome = clock.outcomeWhileMoving(events, "good.bin", Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(TestFiles.sha256(folder.resolve("good.bin"))).isEqualTo(TestFiles.sha256(honestFolder.resolve("good.bin")));
        Files.delete(folder.resolve("good.bin"));
    }

    @Test
    void aHeaderCutShortFailsTheDownloadAndLeavesNoFile() throws Exception {
        evil.on("cut.bin", (name, s, out) -> {
            out.write(header("100", name), 0, 30);
            s.close();
        });
        assertThat(fetchFails("cut.bin")).contains("inside the header (30 of 74 bytes)");
        normalDownloadStillWorks();
    }

    @Test
    void aNonNumericSizeIsABadHeader() throws Exception {
        evil.on("nan.bin", (name, s, out) -> {
            out.write(header("12ab", name));
            out.write(new byte[100]);
            s.close();
        });
        assertThat(fetchFails("nan.bin")).contains("bad header").contains("not a decimal number");
        normalDownloadStillWorks();
    }

    @Test
    void aNegativeSizeIsABadHeader() throws Exception {
        evil.on("neg.bin", (name, s, out) -> {
            out.write(header("-5", name));
            s.close();
        });
        assertThat(fetchFails("neg.bin")).contains("bad header");
        normalDownloadStillWorks();
    }

    /** A reply whose SIZE has 11 digits: the 11th lands in NAME, and SIZE reads as 9,999,999,999. */
    private void elevenDigitSizeThenClose(String name) {
        evil.on(name, (asked, s, out) -> {
            out.write("99999999999".getBytes(StandardCharsets.US_ASCII));
            out.write(header("", asked), 0, 63);
            s.close();
        });
    }

    @Test
    void anEleventhSizeDigitSpillsIntoNameAndTheLargestTenDigitSizeDoesNotOverflow() throws Exception {
        restartInAFolderWithFreeSpace(true, null);
        elevenDigitSizeThenClose("huge.bin");
        // SIZE is read as 9,999,999,999 (no overflow, never more), NAME as "9::::::::::huge.bin"; there is room
        // for that many bytes, so the partial file is created; then the server closes with no body: the
        // download fails and its empty partial file is deleted.
        assertThat(fetchFails("huge.bin")).contains("connection closed after 0 of 9999999999 bytes");
        events.await(NodeEvent.Warning.class, w -> w.message().contains("'9::::::::::huge.bin'"), Duration.ofSeconds(5));
        normalDownloadStillWorks();
    }

    @Test
    void aSizeLargerThanTheFreeDiskSpaceIsRefusedBeforeAnyByteIsWritten() throws Exception {
        restartInAFolderWithFreeSpace(false, "1m");
        evil.on("big.bin", (name, s, out) -> {
            out.write(header("50000000", name));
            out.write(new byte[65536]);
            s.close();
        });
        assertThat(fetchFails("big.bin")).contains("not enough disk space for 'big.bin': 50000000 bytes needed");
        // The largest ten-digit SIZE is refused the same way, before the partial file exists.
        elevenDigitSizeThenClose("huge.bin");
        assertThat(fetchFails("huge.bin")).contains("not enough disk space for 'huge.bin': 9999999999 bytes needed");
        normalDownloadStillWorks();
    }

    private static boolean mountTmpfs(Path dir, String size) {
        try {
            return new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aHeaderNameWithSlashesOrDotDotNeverLeavesTheFolder() throws Exception {
        byte[] body = "twelve bytes".getBytes(StandardCharsets.US_ASCII);
        List<String> evilNames = List.of("../../escaped", "/tmp/escaped", "..");
        for (int i = 0; i < evilNames.size(); i++) {
            String evilName = evilNames.get(i);
            String asked = "named" + i + ".txt";
            evil.on(asked, (name, s, out) -> {
                out.write(header(Integer.toString(body.length), evilName));
                out.write(body);
                s.close();
            });
            node.post(new Command.Fetch(asked));
            NodeEvent outcome = events.awaitOutcome(asked, Duration.ofSeconds(20));
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) outcome).file()).isEqualTo(folder.toRealPath().resolve(asked));
            assertThat(Files.readAllBytes(folder.resolve(asked))).isEqualTo(body);
            events.await(NodeEvent.Warning.class, w -> w.message().contains("'" + evilName + "'"), Duration.ofSeconds(5));
            assertNoStrayFileNextToTheFolder();
            assertThat(Path.of("/tmp/escaped")).doesNotExist();
        }
        normalDownloadStillWorks();
    }

    @Test
    void aBodyShorterThanSizeFailsAndTheStartOfItIsDeleted() throws Exception {
        evil.on("short.bin", (name, s, out) -> {
            out.write(header("100000", name));
            out.write(new byte[40_000]);
            out.flush();
            s.close();
        });
        assertThat(fetchFails("short.bin")).contains("connection closed after 40000 of 100000 bytes");
        normalDownloadStillWorks();
    }

    @Test
    void bytesPastSizeAreIgnoredAndTheFileHasExactlySizeBytes() throws Exception {
        byte[] body = new byte[50_000];
        new java.util.Random(1).nextBytes(body);
        evil.on("long.bin", (name, s, out) -> {
            out.write(header(Integer.toString(body.length), name));
            out.write(body);
            out.write("EXTRA BYTES THAT MUST NEVER BE WRITTEN".repeat(1000).getBytes(StandardCharsets.US_ASCII));
            s.close();
        });
        node.post(new Command.Fetch("long.bin"));
        NodeEvent outcome = events.awaitOutcome("long.bin", Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
        assertThat(Files.readAllBytes(folder.resolve("long.bin"))).isEqualTo(body);
        Folders.assertNoPartialFile(folder);
        normalDownloadStillWorks();
    }

    @Test
    void aServerThatNeverSendsAnythingIsTimedOut() throws Exception {
        evil.on("silent.bin", (name, s, out) -> { });
        assertThat(fetchTimesOut("silent.bin", "READ_HEADER 0", Duration.ofSeconds(2)))
                .contains("no data from").contains("for 2 s");
        normalDownloadStillWorks();
    }

    @Test
    void aServerThatStallsInTheMiddleOfTheBodyIsTimedOutAndThePartialFileDeleted() throws Exception {
        evil.on("stall.bin", (name, s, out) -> {
            out.write(header("100000", name));
            out.write(new byte[1000]);
            out.flush();
        });
        assertThat(fetchTimesOut("stall.bin", "READ_BODY 1000", Duration.ofSeconds(2))).contains("no data from");
        normalDownloadStillWorks();
    }

    @Test
    void aServerThatNeverCompletesTheConnectIsTimedOut() throws Exception {
        // A listening socket with a full accept queue: Linux then drops further SYNs, so connects hang.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(full.getLocalSocketAddress(), 300);
                        fillers.add(f);
                    } catch (IOException e) {
                        f.close();
                        break; // the queue is full
                    }
                }
                evil.on("unreachable.bin", (name, s, out) -> { });
                evil.announce(full.getLocalPort());
                assertThat(fetchTimesOut("unreachable.bin", "CONNECTING 0", Duration.ofSeconds(2)))
                        .contains("timed out after 2 s");
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
        normalDownloadStillWorks();
    }
}
