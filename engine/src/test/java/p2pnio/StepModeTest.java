package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step mode: a paused node's loop runs one turn at a time and says what each turn did. */
class StepModeTest {

    private static final Duration EACH_TURN_AT_MOST = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    private final List<String> transcript = new ArrayList<>();

    /**
     * Steps {@code node} one turn at a time until a turn satisfies {@code done} (at most 40 turns),
     * adding each turn to the transcript; returns the turns taken.
     */
    private List<LoopStep> stepUntil(Node node, String who, Predicate<LoopStep> done) throws Exception {
        List<LoopStep> taken = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            LoopStep step = node.step(1, EACH_TURN_AT_MOST).get(30, TimeUnit.SECONDS).get(0);
            taken.add(step);
            transcript.add("[" + who + "] " + step.toString().replace("\n", "\n[" + who + "] "));
            if (done.test(step)) {
                return taken;
            }
        }
        throw new AssertionError("not reached in 40 turns of " + who + ":\n" + String.join("\n", transcript));
    }

    /** Waits (at most 10 s) until {@code a} lists {@code b} among its peers: it learnt of b from b's first DISCOVER. */
    static void awaitKnows(Node a, Node b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.peers().get(5, TimeUnit.SECONDS).stream().noneMatch(p -> p.address().equals(b.address()))) {
            assertThat(System.nanoTime()).as("a learns b from its first DISCOVER").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static Predicate<LoopStep> moved(String move) {
        return s -> s.moves().stream().anyMatch(m -> m.startsWith(move));
    }

    private static List<String> moves(List<List<LoopStep>> parts) {
        List<String> all = new ArrayList<>();
        parts.forEach(steps -> steps.forEach(s -> all.addAll(s.moves())));
        return all;
    }

    @Test
    void twoRealNodesAreSingleSteppedThroughADownloadOverRealSockets() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("x.txt"), "hello from node a, 33 bytes long\n");
        Recorder bEvents = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO)
                     .period(Duration.ofHours(1)).build(), NodeListener.ignoring());
             Node nb = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(na.address())
                     .period(Duration.ofHours(1)).build(), bEvents)) {
            StepModeTest.awaitKnows(na, nb);
            na.pause().get(10, TimeUnit.SECONDS);
            nb.pause().get(10, TimeUnit.SECONDS);
            assertThat(na.isPaused()).isTrue();
            nb.post(new Command.Fetch("x.txt")); // waits in b's queue: b's loop is paused

            List<LoopStep> bAsks = stepUntil(nb, "b", s -> s.tasks().contains("task command Fetch[name=x.txt]"));
            assertThat(bAsks.get(bAsks.size() - 1).entries()).extracting(LoopStep.Entry::text)
                    .anyMatch(t -> t.startsWith("udp out " + na.address() + " Get,x.txt"));
            List<LoopStep> aAnswers = stepUntil(na, "a", s -> s.entries().stream()
                    .anyMatch(e -> e.text().startsWith("udp out " + nb.address() + " FileOffer")));
            assertThat(aAnswers.get(aAnswers.size() - 1).ready()).anyMatch(r -> r.startsWith("select -> readable[udp "));
            List<LoopStep> bConnects = stepUntil(nb, "b", moved("download#1 NEW -> CONNECTING"));
            List<LoopStep> bRequests = stepUntil(nb, "b", moved("download#1 SEND_REQUEST -> READ_HEADER"));
            assertThat(bEvents.all(NodeEvent.DownloadStarted.class)).as("nothing has come: a is paused").isEmpty();
            List<LoopStep> aSends = stepUntil(na, "a", moved("upload#1 SEND_BODY -> DRAIN"));
            List<LoopStep> bReceives = stepUntil(nb, "b", moved("download#1 FINISHING -> DONE"));
            List<LoopStep> aCloses = stepUntil(na, "a", moved("upload#1 DRAIN -> DONE"));

            assertThat(moves(List.of(bConnects, bRequests, bReceives))).extracting(m -> m.replaceAll(" \\(.*", ""))
                    .containsExactly("download#1 NEW -> CONNECTING", "download#1 CONNECTING -> SEND_REQUEST",
                            "download#1 SEND_REQUEST -> READ_HEADER", "download#1 READ_HEADER -> OPENING",
                            "download#1 OPENING -> READ_BODY", "download#1 READ_BODY -> FINISHING",
                            "download#1 FINISHING -> DONE");
            assertThat(moves(List.of(aSends, aCloses))).extracting(m -> m.replaceAll(" \\(.*", ""))
                    .containsExactly("upload#1 NEW -> READ_REQUEST", "upload#1 READ_REQUEST -> RESOLVE",
                            "upload#1 RESOLVE -> OPENING", "upload#1 OPENING -> SEND_HEADER",
                            "upload#1 SEND_HEADER -> SEND_BODY",
                            "upload#1 SEND_BODY -> DRAIN", "upload#1 DRAIN -> DONE");
            assertThat(aSends).flatExtracting(LoopStep::ready).anyMatch(r -> r.startsWith("select -> acceptable["));
            assertThat(bReceives).flatExtracting(LoopStep::ready).anyMatch(r -> r.startsWith("select -> readable[download#1 x.txt"));

            na.resume();
            nb.resume();
            assertThat(bEvents.awaitOutcome("x.txt", Duration.ofSeconds(10))).isInstanceOf(NodeEvent.DownloadFinished.class);
            assertThat(Files.readString(b.resolve("x.txt"))).isEqualTo("hello from node a, 33 bytes long\n");
            assertThat(nb.isPaused()).isFalse();
        } finally {
            System.out.println("A download, stepped turn by turn:\n" + String.join("\n", transcript));
        }
    }

    @Test
    void aTimerThatCameDueWhilePausedFiresInTheNextStep() throws Exception {
        TestClock clock = new TestClock();
        Recorder events = new Recorder();
        try (Node node = clock.start(NodeConfig.builder().port(0).folder(tmp).period(Duration.ofHours(1))
                .requestLineTimeout(Duration.ofSeconds(2)).build(), events);
             Socket client = new Socket(node.transferAddress().getAddress(), node.transferAddress().getPort())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (node.stats().get(5, TimeUnit.SECONDS).uploadsOpen() == 0) {
                assertThat(System.nanoTime()).as("the connection is accepted").isLessThan(deadline);
                Thread.sleep(5);
            }
            node.pause().get(10, TimeUnit.SECONDS);
            clock.moveWhilePaused(Duration.ofSeconds(2)); // the request-line deadline is due now; nothing runs it
            LoopStep step = node.step(1).get(10, TimeUnit.SECONDS).get(0);
            assertThat(step.timers()).containsExactly("timer upload#1 request deadline");
            assertThat(step.moves()).containsExactly("upload#1 READ_REQUEST -> FAILED (no complete request line within 2 s)");
            client.setSoTimeout(10_000);
            assertThat(client.getInputStream().read()).as("closed by the node").isEqualTo(-1);
            node.resume();
        }
    }

    @Test
    void whilePausedCommandsAndQueriesWaitForAStepAndClosingRejectsWhatIsStillQueued() throws Exception {
        Recorder events = new Recorder();
        Node node = Node.start(NodeConfig.builder().port(0).folder(tmp).period(Duration.ofHours(1)).build(), events);
        node.pause().get(10, TimeUnit.SECONDS);
        CompletableFuture<NodeStats> first = node.stats();
        node.post(new Command.ListPeers());
        LoopStep step = node.step(1).get(10, TimeUnit.SECONDS).get(0);
        assertThat(step.tasks()).containsSubsequence("task query stats", "task command ListPeers[]");
        assertThat(first.get(10, TimeUnit.SECONDS).loopTurns()).isPositive();
        events.await(NodeEvent.PeersReport.class, r -> true, Duration.ofSeconds(5));

        CompletableFuture<NodeStats> never = node.stats();
        node.post(new Command.Fetch("x.bin"));
        node.close(); // ends the pause: what is still queued is rejected, not forgotten
        assertThatThrownBy(() -> never.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("the node stopped before answering");
        NodeEvent outcome = events.awaitOutcome("x.bin", Duration.ofSeconds(5));
        assertThat(((NodeEvent.DownloadFailed) outcome).reason()).contains("the node stopped before carrying out Fetch[name=x.bin]");
        assertThat(node.stopped()).isDone();
    }

    @Test
    void onlyAPausedNodeSteps() throws Exception {
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(tmp).build(), NodeListener.ignoring())) {
            assertThatThrownBy(() -> node.step(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not paused");
        }
    }
}
