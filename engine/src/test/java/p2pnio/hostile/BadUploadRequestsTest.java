package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.wire.TransferHeader;

/**
 * Hostile upload requests on a real node's transfer port: nothing outside the folder, no link and
 * no partial file is ever served, each refusal is counted as a failed upload with its reason, and
 * a normal request is served in full after every one.
 *
 * <p>Symlink policy (see SharedFolder and SECURITY.md): links are never followed nor served,
 * wherever they point.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadUploadRequestsTest {

    private Path folder;
    private Path outside;
    private Node node;
    private final Recorder events = new Recorder();
    /** The node's clock: the request-line deadline and the index's one-rescan-a-second pass when the test says. */
    private final TestClock clock = new TestClock();
    private byte[] hello;

    @BeforeAll
    void aNodeSharingAFolderWithLinksPointingOutside(@TempDir Path tmp) throws IOException {
        folder = Files.createDirectories(tmp.resolve("shared"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        hello = aFolderWithLinksPointingOutside(folder, outside);
        node = clock.start(NodeConfig.builder().port(0).folder(folder).period(Duration.ofHours(1))
                .requestLineTimeout(Duration.ofSeconds(2)).build(), events);
    }

    /**
     * Fills {@code folder} with what the hostile requests aim at: {@code hello.bin} (30,000 random
     * bytes, returned), links to a secret in {@code outside} and into the folder, a folder link,
     * and partial downloads (ours and the reference node's). {@link SecureBadUploadRequestsTest}
     * shares the same folder.
     */
    static byte[] aFolderWithLinksPointingOutside(Path folder, Path outside) throws IOException {
        byte[] hello = Files.readAllBytes(Folders.randomFile(folder, "hello.bin", 30_000));
        Files.writeString(outside.resolve("secret.txt"), "SECRET outside the folder\n");
        Files.createSymbolicLink(folder.resolve("link-out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(folder.resolve("secret.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(folder.resolve("link-in.bin"), folder.resolve("hello.bin"));
        Files.createSymbolicLink(folder.resolve("outdir"), outside);
        Files.writeString(folder.resolve("downloading_half.bin"), "a partial download\n");
        Files.writeString(folder.resolve(".p2p-0123456789abcdef.part"), "our partial download\n");
        Files.writeString(folder.resolve(".p2p-0123456789abcdef.rec"), "its record\n");
        return hello;
    }

    @AfterAll
    void stop() {
        node.close();
    }

    /**
     * Requests that name nothing servable (outside the folder, links, partial downloads, missing
     * files, not a {@code Get}): each is closed without a byte. Shared with
     * {@link SecureBadUploadRequestsTest}.
     */
    static Stream<String> refusedRequests() {
        return Stream.of(
            "Get,../outside/secret.txt\n",
            "Get,/etc/passwd\n",
            "Get,..\\outside\\secret.txt\n",
            "Get,..\n",
            "Get,.\n",
            "Get,outside/\n",
            "Get,\n",
            "Get,link-out.txt\n",
            "Get,secret.txt\n",
            "Get,outdir/secret.txt\n",
            "Get,link-in.bin\n",
            "Get,downloading_half.bin\n",
            "Get,.p2p-0123456789abcdef.part\n",
            "Get,.p2p-0123456789abcdef.rec\n",
            "Get,half.bin\n",
            "GET,hello.bin\n",
            "PUT,hello.bin\n",
            "DISCOVER,127.0.0.1:1\n",
            "File,1,80\n",
            "\n",
            "\u0000\u0001\u0002binary\n");
    }

    @ParameterizedTest(name = "refused: {0}")
    @MethodSource("refusedRequests")
    void aRequestThatNamesNothingServableIsClosedWithoutAByteAndCounted(String request) throws Exception {
        long failedBefore = Poll.stats(node).uploadsFailed();
        try (RawClient c = ask(request)) {
            assertThat(c.readAll()).as("bytes served for %s", request.strip()).isEmpty();
        }
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).uploadsFailed(), n -> n == failedBefore + 1);
        servesANormalRequestInFull();
    }

    @Test
    void aNameWithADirectoryPartIsServedAsItsBaseNameFromTheFolder() throws Exception {
        for (String asked : new String[] {"../../hello.bin", "/etc/hello.bin", "..\\hello.bin", "sub/dir/hello.bin"}) {
            try (RawClient c = new RawClient(node.transferAddress())) {
                byte[] reply = c.send("Get," + asked + "\n").readAll();
                assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).as(asked).isEqualTo(hello);
            }
        }
    }

    @Test
    void aRequestWithoutItsNewlineIsServedWhenTheClientHalfCloses() throws Exception {
        try (RawClient c = new RawClient(node.transferAddress())) {
            byte[] reply = c.send("Get,hello.bin").halfClose().readAll();
            assertThat(reply).hasSize(TransferHeader.BYTES + hello.length);
        }
    }

    @Test
    void aRequestWithoutItsNewlineThatStaysOpenIsDroppedAtTheDeadline() throws Exception {
        long failedBefore = Poll.stats(node).uploadsFailed();
        try (RawClient c = new RawClient(node.transferAddress())) {
            c.send("Get,hello.bin");
            Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).uploadsOpen(), open -> open == 1); // accepted: 0 s
            clock.advance(Duration.ofMillis(1999));
            assertThat(Poll.stats(node).uploadsFailed()).as("still waiting for the newline at 1.999 s").isEqualTo(failedBefore);
            clock.advance(Duration.ofMillis(1));
            assertThat(c.readAll()).isEmpty();
        }
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).uploadsFailed(), n -> n == failedBefore + 1);
        events.await(NodeEvent.UploadFailed.class, f -> f.reason().contains("no complete request line"), Duration.ofSeconds(5));
        servesANormalRequestInFull();
    }

    @Test
    void aFileDeletedWhileItIsSentIsStillSentWholeFromTheOpenFile() throws Exception {
        Path big = Folders.randomFile(folder, "deleted.bin", 24 << 20);
        byte[] original = Files.readAllBytes(big);
        try (RawClient c = new RawClient(node.transferAddress(), 8192)) {
            c.send("Get,deleted.bin\n");
            clock.advance(Duration.ofSeconds(1)); // a new file: found by the next rescan
            byte[] head = c.read(TransferHeader.BYTES + 1000);
            Files.delete(big);
            byte[] rest = c.readAll();
            byte[] body = concat(Arrays.copyOfRange(head, TransferHeader.BYTES, head.length), rest);
            // Unix keeps a deleted file's data while it is open: the client gets the file it asked for, whole.
            assertThat(body.length).isEqualTo(original.length);
            assertThat(Arrays.equals(body, original)).isTrue();
        }
        events.await(NodeEvent.UploadFinished.class, f -> f.name().equals("deleted.bin"), Duration.ofSeconds(5));
        servesANormalRequestInFull();
    }

    @Test
    void aFileTruncatedWhileItIsSentEndsTheUploadEarlyWithoutAWrongByte() throws Exception {
        Path big = Folders.randomFile(folder, "shrinking.bin", 24 << 20);
        byte[] original = Files.readAllBytes(big);
        long failedBefore = Poll.stats(node).uploadsFailed();
        try (RawClient c = new RawClient(node.transferAddress(), 8192)) {
            c.send("Get,shrinking.bin\n");
            clock.advance(Duration.ofSeconds(1)); // a new file: found by the next rescan
            byte[] head = c.read(TransferHeader.BYTES + 1000);
            assertThat(new String(head, 0, 10, StandardCharsets.US_ASCII)).startsWith(Integer.toString(original.length));
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(4096);
            }
            byte[] rest = c.readAll();
            byte[] body = concat(Arrays.copyOfRange(head, TransferHeader.BYTES, head.length), rest);
            assertThat(body.length).as("bytes received of a file cut to 4 KiB").isLessThan(original.length);
            // Whatever arrived is the file's true prefix, or zeros the kernel reads past the cut: never bytes of another file.
            for (int i = 0; i < body.length; i++) {
                if (body[i] != original[i] && body[i] != 0) {
                    throw new AssertionError("byte " + i + " is neither the file's nor zero");
                }
            }
        }
        NodeEvent.UploadFailed failed = events.await(NodeEvent.UploadFailed.class,
                f -> f.name().equals("shrinking.bin"), Duration.ofSeconds(10));
        assertThat(failed.reason()).contains("shrank");
        assertThat(Poll.stats(node).uploadsFailed()).isEqualTo(failedBefore + 1);
        Files.delete(big);
        servesANormalRequestInFull();
    }

    @Test
    void aSubFolderSwappedForALinkOutsideAfterTheScanServesNothingFromOutside() throws Exception {
        Path sub = Files.createDirectories(folder.resolve("sub"));
        byte[] inside = Files.readAllBytes(Folders.randomFile(sub, "swap.bin", 5000));
        try (RawClient c = ask("Get,swap.bin\n")) {
            byte[] reply = c.readAll(); // indexed by the rescan and served from sub/
            assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).isEqualTo(inside);
        }
        Files.writeString(outside.resolve("swap.bin"), "SECRET swapped in\n");
        Files.delete(sub.resolve("swap.bin"));
        Files.delete(sub);
        Files.createSymbolicLink(sub, outside); // the index still says sub/swap.bin
        long failedBefore = Poll.stats(node).uploadsFailed();
        try (RawClient c = new RawClient(node.transferAddress())) {
            assertThat(c.send("Get,swap.bin\n").readAll()).isEmpty();
        }
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node).uploadsFailed(), n -> n == failedBefore + 1);
        Files.delete(sub);
        servesANormalRequestInFull();
    }

    @Test
    void aClientThatConnectsAndClosesAtOnceCostsNothing() throws Exception {
        NodeStats before = Poll.stats(node);
        for (int i = 0; i < 50; i++) {
            new RawClient(node.transferAddress()).close();
        }
        Poll.until(Duration.ofSeconds(5), () -> Poll.stats(node), s -> s.uploadsFailed() == before.uploadsFailed() + 50
                && s.uploadsOpen() == 0);
        servesANormalRequestInFull();
    }

    /**
     * Opens a connection and sends {@code request}, then lets a second of the node's time pass: a
     * name not in the index waits for a rescan, and the index rescans at most once a second.
     */
    private RawClient ask(String request) throws IOException {
        RawClient c = new RawClient(node.transferAddress());
        c.send(request);
        clock.advance(Duration.ofSeconds(1));
        return c;
    }

    private void servesANormalRequestInFull() throws IOException {
        try (RawClient c = new RawClient(node.transferAddress())) {
            byte[] reply = c.send("Get,hello.bin\n").readAll();
            assertThat(new String(reply, 0, TransferHeader.BYTES, StandardCharsets.UTF_8))
                    .isEqualTo(new String(TransferHeader.encode(hello.length, "hello.bin"), StandardCharsets.UTF_8));
            assertThat(Arrays.copyOfRange(reply, TransferHeader.BYTES, reply.length)).isEqualTo(hello);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
