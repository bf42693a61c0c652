package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.testkit.ReferencePeer;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.DropReason;

/**
 * Downloads checked against the SHA-256 of the extended {@code File} answer (issue 11): between our
 * nodes the content is verified; a server that sends other bytes of the right size fails the try,
 * leaves no file, and the request goes on with another peer that answered; a reference-style peer
 * is fetched from as before and the download says it is not verified.
 */
class VerifiedDownloadTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void aDownloadBetweenOurNodesIsVerifiedWithTheServersDigest() throws Exception {
        Path theirs = Files.createDirectories(tmp.resolve("theirs"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Path file = Folders.randomFile(theirs, "data.bin", 3_000_000);
        Recorder events = new Recorder();
        try (Node server = Node.start(NodeConfig.builder().port(0).folder(theirs).delay(Duration.ZERO).build(), e -> { });
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(server.address()).build(), events)) {
            MismatchedAnswerTest.awaitExtended(node, List.of(server.address()));
            node.post(new Command.Fetch("data.bin"));
            NodeEvent outcome = events.awaitOutcome("data.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            NodeEvent.DownloadFinished done = (NodeEvent.DownloadFinished) outcome;
            assertThat(done.verified()).as("verified (else: %s)", done.notVerified()).isTrue();
            assertThat(done.sha256()).isEqualTo(TestFiles.sha256(file));
            assertThat(TestFiles.sha256(mine.resolve("data.bin"))).isEqualTo(TestFiles.sha256(file));
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void wrongBytesOfTheRightSizeFailTheTryLeaveNoFileAndAnotherPeerIsTried() throws Exception {
        Path good = Files.createDirectories(tmp.resolve("good"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Path real = Folders.randomFile(good, "doc.bin", 200_000);
        String sha = TestFiles.sha256(real);
        Recorder events = new Recorder();
        try (FakePeer liar = new FakePeer();
             // the honest node answers after 1 s, so the liar's answer (at once) is tried first
             Node honest = Node.start(NodeConfig.builder().port(0).folder(good).delay(Duration.ofSeconds(1)).build(),
                     e -> { });
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(liar.address())
                     .addPeer(honest.address()).build(), events)) {
            liar.announceExtended("doc.bin", 200_000, sha);
            liar.on("doc.bin", (name, socket, out) -> sendWrongBytes(out, 200_000, name));
            node.post(new Command.Fetch("doc.bin"));
            NodeEvent.DigestMismatch mismatch = events.await(NodeEvent.DigestMismatch.class,
                    m -> m.name().equals("doc.bin"), WAIT);
            assertThat(mismatch.peer()).isEqualTo(liar.address());
            assertThat(mismatch.expected()).isEqualTo(sha);
            assertThat(mismatch.actual()).isNotNull().isNotEqualTo(sha);
            assertThat(mismatch.retrying()).isTrue();
            NodeEvent outcome = events.awaitOutcome("doc.bin", WAIT);
            assertThat(outcome).as("the other peer that answered is tried").isInstanceOf(NodeEvent.DownloadFinished.class);
            NodeEvent.DownloadFinished done = (NodeEvent.DownloadFinished) outcome;
            assertThat(done.peer()).isEqualTo(honest.address());
            assertThat(done.sha256()).isEqualTo(sha);
            assertThat(TestFiles.sha256(mine.resolve("doc.bin"))).isEqualTo(sha);
            assertThat(mine.resolve("doc (1).bin")).doesNotExist();
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void wrongBytesWithNoOtherPeerFailTheDownloadNamingThePeerAndBothDigests() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        String claimed = "ab".repeat(32);
        Recorder events = new Recorder();
        try (FakePeer liar = new FakePeer();
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(liar.address())
                     .waiting(Duration.ofSeconds(3)).build(), events)) {
            liar.announceExtended("doc.bin", 50_000, claimed);
            liar.on("doc.bin", (name, socket, out) -> sendWrongBytes(out, 50_000, name));
            node.post(new Command.Fetch("doc.bin"));
            NodeEvent outcome = events.awaitOutcome("doc.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            String reason = ((NodeEvent.DownloadFailed) outcome).reason();
            // it waited out its 3 s for another peer; the failure names the peer and both digests
            assertThat(reason).contains(liar.address(), claimed);
            NodeEvent.DigestMismatch mismatch = events.await(NodeEvent.DigestMismatch.class, m -> true, WAIT);
            assertThat(reason).contains(mismatch.actual());
            assertThat(mismatch.expected()).isEqualTo(claimed);
            assertThat(mine.resolve("doc.bin")).doesNotExist();
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void aHeaderWhoseSizeIsNotTheAnnouncedOneIsAMismatch() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Recorder events = new Recorder();
        try (FakePeer liar = new FakePeer();
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(liar.address())
                     .waiting(Duration.ofSeconds(3)).build(), events)) {
            liar.announceExtended("doc.bin", 1000, "cd".repeat(32));
            liar.on("doc.bin", (name, socket, out) -> sendWrongBytes(out, 999, name));
            node.post(new Command.Fetch("doc.bin"));
            NodeEvent outcome = events.awaitOutcome("doc.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("announced 1000 bytes, its header says 999");
            assertThat(events.await(NodeEvent.DigestMismatch.class, m -> true, WAIT).peer()).isEqualTo(liar.address());
            Folders.assertNoPartialFile(mine);
        }
    }

    @Test
    void aFileThatDoesNotFitIsRefusedBeforeAnyConnection() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        // a 1 MiB tmpfs (root, as in MaliciousServerTest); else the largest size must exceed the free space
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mine.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
        long size = mounted ? 50_000_000L : 9_999_999_999L;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(mine).getUsableSpace() < size,
                "cannot mount a tmpfs, and the disk has room for the largest size");
        Recorder events = new Recorder();
        try (FakePeer liar = new FakePeer();
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(liar.address()).build(), events)) {
            liar.announceExtended("huge.bin", size, "ef".repeat(32));
            liar.on("huge.bin", (name, socket, out) -> sendWrongBytes(out, 10, name));
            node.post(new Command.Fetch("huge.bin"));
            NodeEvent outcome = events.awaitOutcome("huge.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(((NodeEvent.DownloadFailed) outcome).reason())
                    .contains("not enough disk space for 'huge.bin': " + size + " bytes needed", "no connection was opened");
            assertThat(liar.requests).as("no TCP request reached the peer").isEmpty();
        } finally {
            if (mounted) {
                new ProcessBuilder("umount", mine.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void anExtendedAnswerForANameNobodyAskedForIsDroppedAndCounted() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Recorder events = new Recorder();
        try (FakePeer liar = new FakePeer();
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(liar.address())
                     .waiting(Duration.ofSeconds(2)).build(), events)) {
            liar.announceExtended("wanted.bin", 10, "ef".repeat(32));
            liar.on("wanted.bin", (name, socket, out) -> sendWrongBytes(out, 10, name));
            liar.renameAnswers("other.bin");
            node.post(new Command.Fetch("wanted.bin"));
            Poll.until(WAIT, () -> Poll.dropped(node, DropReason.FILE_UNASKED_NAME), n -> n >= 1);
            assertThat(events.awaitOutcome("wanted.bin", WAIT)).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(liar.requests).isEmpty();
        }
    }

    @Test
    void aReferenceStylePeerIsFetchedFromAsBeforeAndTheDownloadSaysItIsNotVerified() throws Exception {
        Path refFolder = Files.createDirectories(tmp.resolve("ref"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Path file = Folders.randomFile(refFolder, "plain.bin", 100_000);
        Recorder events = new Recorder();
        try (ReferencePeer ref = new ReferencePeer(refFolder);
             Node node = Node.start(NodeConfig.builder().port(0).folder(mine).addPeer(ref.address()).build(), events)) {
            node.post(new Command.Fetch("plain.bin"));
            NodeEvent outcome = events.awaitOutcome("plain.bin", WAIT);
            assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
            NodeEvent.DownloadFinished done = (NodeEvent.DownloadFinished) outcome;
            assertThat(done.verified()).isFalse();
            assertThat(done.notVerified()).isEqualTo("plain peer");
            assertThat(TestFiles.sha256(mine.resolve("plain.bin"))).isEqualTo(TestFiles.sha256(file));
            assertThat(ref.datagrams()).filteredOn(d -> d.startsWith("Get,")).containsOnly("Get,plain.bin");
            assertThat(ref.requests()).containsOnly("Get,plain.bin");
        }
    }

    private static void sendWrongBytes(OutputStream out, int size, String name) throws java.io.IOException {
        out.write(ReferencePeer.header(size, name));
        byte[] body = new byte[size];
        java.util.Arrays.fill(body, (byte) 'x');
        out.write(body);
        out.flush();
    }
}
