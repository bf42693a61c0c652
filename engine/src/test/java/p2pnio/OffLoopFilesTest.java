package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.watch.Watch;
import p2pnio.watch.WatchedFileSystem;

/**
 * Nothing on the loop waits for the file system. Two nodes share folders through a
 * {@link WatchedFileSystem}, which records the thread of every file-system call (open, create,
 * link, delete, list, attributes, free space) and makes each one slow, as a busy disk is. Files go
 * both ways, one lands beside an existing file, and one download is cancelled in its body: no
 * such call comes from a loop thread (only the reads and writes of a transfer's bytes do); every
 * one comes from a node's file thread (or its background thread, for the folder scans).
 */
class OffLoopFilesTest {

    private static final long SLOW_MILLIS = 200;

    @TempDir
    Path tmp;

    @AfterEach
    void diskAtFullSpeedAgain() {
        WatchedFileSystem.slowDown(0);
    }

    @Test
    void noFileSystemCallOfAnUploadOrADownloadRunsOnTheLoopThread() throws Exception {
        Path realA = Files.createDirectories(tmp.resolve("a"));
        Path realB = Files.createDirectories(tmp.resolve("b"));
        Random random = new Random(14);
        byte[] big = new byte[3 << 20];
        random.nextBytes(big);
        Files.write(realA.resolve("big.bin"), big);
        Files.writeString(realA.resolve("small.txt"), "small, from a\n");
        Files.writeString(realB.resolve("small.txt"), "b's own small.txt, to be kept\n");
        Files.writeString(realB.resolve("from-b.txt"), "from b\n");
        Recorder eventsA = new Recorder();
        Recorder eventsB = new Recorder();
        try (Node a = Node.start(NodeConfig.builder().port(0).folder(WatchedFileSystem.watch(realA)).delay(Duration.ZERO)
                     .build(), eventsA);
             Node b = Node.start(NodeConfig.builder().port(0).folder(WatchedFileSystem.watch(realB)).delay(Duration.ZERO)
                     .addPeer(a.address()).build(), eventsB)) {
            // Both indexes are built (their scans are slow too) before the clock starts.
            assertThat(a.files().get(30, TimeUnit.SECONDS)).isNotNull();
            int before = Watch.calls().size();
            WatchedFileSystem.slowDown(SLOW_MILLIS);
            b.post(new Command.Fetch("big.bin"));
            b.post(new Command.Fetch("small.txt"));
            NodeEvent bigDone = eventsB.awaitOutcome("big.bin", Duration.ofSeconds(60));
            NodeEvent smallDone = eventsB.awaitOutcome("small.txt", Duration.ofSeconds(60));
            // A download cancelled in its body: its partial file is deleted off the loop too.
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            try (ScriptedServer stalling = new ScriptedServer(s -> {
                ScriptedServer.readLine(s);
                s.getOutputStream().write(p2pnio.wire.TransferHeader.encode(100_000, "stall.bin"));
                s.getOutputStream().write(new byte[1000]);
                s.getOutputStream().flush();
                hold.await(60, TimeUnit.SECONDS);
            })) {
                b.post(new Command.AddPeer(stalling.address()));
                b.post(new Command.Fetch("stall.bin"));
                eventsB.await(NodeEvent.DownloadStarted.class, d -> d.name().equals("stall.bin"), Duration.ofSeconds(60));
                b.post(new Command.Cancel("stall.bin"));
                assertThat(eventsB.awaitOutcome("stall.bin", Duration.ofSeconds(60))).isInstanceOf(NodeEvent.DownloadFailed.class);
                assertThat(TestCluster.partials(realB)).isEmpty();
                hold.countDown();
            }
            a.post(new Command.AddPeer(b.address()));
            a.post(new Command.Fetch("from-b.txt"));
            NodeEvent fromB = eventsA.awaitOutcome("from-b.txt", Duration.ofSeconds(60));
            assertThat(bigDone).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(smallDone).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(fromB).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readAllBytes(realB.resolve("big.bin"))).isEqualTo(big);
            assertThat(realB.resolve("small.txt")).hasContent("b's own small.txt, to be kept");
            assertThat(realB.resolve("small (1).txt")).hasContent("small, from a");
            assertThat(realA.resolve("from-b.txt")).hasContent("from b");

            List<Watch.Call> all = Watch.calls();
            List<Watch.Call> calls = all.subList(before, all.size()).stream()
                    .filter(c -> c.what().startsWith("file ") && !c.what().matches("file (read|write|transferTo) .*"))
                    .toList();
            assertThat(calls).filteredOn(c -> c.thread().startsWith("p2p-loop")).isEmpty();
            assertThat(calls).filteredOn(c -> c.thread().startsWith("p2p-files")).extracting(c -> c.what().split(" ")[1])
                    .contains("store", "open", "attributes", "hardlink", "delete", "realpath");
        }
    }
}
