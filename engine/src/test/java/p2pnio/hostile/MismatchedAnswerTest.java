package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.Recorder;
import p2pnio.TestClock;
import p2pnio.testkit.TestFiles;

/**
 * A {@code File} answer carries no file name, so with two requests waiting it is matched to the
 * oldest one that asked its sender, which may be the wrong one: the sender then closes without a
 * header. That download must not fail: its request goes back to waiting (within its deadline),
 * no longer matching that sender, and both files arrive.
 */
class MismatchedAnswerTest {

    @Test
    void aFileAnswerMeantForAnotherRequestSendsTheDownloadBackToWaiting(@TempDir Path tmp) throws Exception {
        Path slowFolder = Files.createDirectories(tmp.resolve("slow"));
        Path fastFolder = Files.createDirectories(tmp.resolve("fast"));
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Folders.randomFile(slowFolder, "a.bin", 30_000);
        Folders.randomFile(fastFolder, "b.bin", 40_000);
        Recorder events = new Recorder();
        TestClock clock = new TestClock(); // the slow peer's 2 s delay and our retries follow it
        try (Node slow = clock.start(NodeConfig.builder().port(0).folder(slowFolder).delay(Duration.ofSeconds(2))
                     .build(), e -> { });
             Node fast = Node.start(NodeConfig.builder().port(0).folder(fastFolder).delay(Duration.ZERO).build(),
                     e -> { });
             Node node = clock.start(NodeConfig.builder().port(0).folder(mine).waiting(Duration.ofSeconds(20))
                     .addPeer(slow.address()).addPeer(fast.address()).build(), events)) {
            node.post(new Command.Fetch("a.bin")); // the oldest request: only the slow peer has it
            events.await(NodeEvent.RequestSent.class, r -> r.name().equals("a.bin"), Duration.ofSeconds(5));
            node.post(new Command.Fetch("b.bin")); // the fast peer answers this one at once...
            // ...but its File is matched to a.bin, the oldest request that asked it, and it has no a.bin:
            events.await(NodeEvent.RequestAnswered.class, r -> r.name().equals("a.bin")
                    && r.peer().equals(fast.address()), Duration.ofSeconds(5));
            events.await(NodeEvent.RequestRetrying.class, r -> r.name().equals("a.bin") && r.peer().equals(fast.address())
                    && r.what().contains("closed the connection without sending a header"), Duration.ofSeconds(5));
            // a.bin waits again, no longer matching the fast peer; b.bin's next Get (1 s on) wins the fast answer.
            clock.advance(Duration.ofSeconds(1));
            NodeEvent b = events.awaitOutcome("b.bin", Duration.ofSeconds(20));
            assertThat(b).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) b).peer()).isEqualTo(fast.address());
            assertThat(events.all(NodeEvent.DownloadFinished.class)).as("a.bin before the slow peer's delay").hasSize(1);
            clock.advance(Duration.ofSeconds(1)); // the slow peer's delay is over: its File comes, for a.bin
            NodeEvent a = events.awaitOutcome("a.bin", Duration.ofSeconds(20));
            assertThat(a).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(((NodeEvent.DownloadFinished) a).peer()).isEqualTo(slow.address());
            assertThat(TestFiles.sha256(mine.resolve("a.bin"))).isEqualTo(TestFiles.sha256(slowFolder.resolve("a.bin")));
            assertThat(TestFiles.sha256(mine.resolve("b.bin"))).isEqualTo(TestFiles.sha256(fastFolder.resolve("b.bin")));
            assertThat(Poll.stats(node).downloadsFailed()).isZero();
            Folders.assertNoPartialFile(mine);
        }
    }
}
