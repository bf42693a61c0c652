package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work one loop turn does is bounded, each bound by its own setting: what is left waits, in
 * order, for the next turns. Counted exactly, turn by turn, on a paused node stepped one turn at a
 * time (no timing).
 */
class TurnBoundsTest {

    private static final Duration EACH_TURN_AT_MOST = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    private final List<String> transcript = new ArrayList<>();

    private LoopStep step(Node node, String who) throws Exception {
        LoopStep step = node.step(1, EACH_TURN_AT_MOST).get(30, TimeUnit.SECONDS).get(0);
        transcript.add("[" + who + "] " + step.toString().replace("\n", "\n[" + who + "] "));
        return step;
    }

    /** Entries of {@code step} (any kind) whose text matches. */
    private static long count(LoopStep step, Predicate<String> what) {
        return step.entries().stream().map(LoopStep.Entry::text).filter(what).count();
    }

    /** Steps until {@code total} entries matched in all; returns how many each turn had, in order. */
    private List<Long> perTurn(Node node, String who, Predicate<String> what, int total) throws Exception {
        List<Long> counts = new ArrayList<>();
        long seen = 0;
        for (int i = 0; i < 40 && seen < total; i++) {
            long n = count(step(node, who), what);
            counts.add(n);
            seen += n;
        }
        assertThat(seen).as("%s in 40 turns:\n%s", what, String.join("\n", transcript)).isEqualTo(total);
        return counts;
    }

    private NodeConfig.Builder quiet(Path folder) {
        return NodeConfig.builder().port(0).folder(folder).period(Duration.ofHours(1)).delay(Duration.ZERO);
    }

    @Test
    void aTurnRunsAtMostTasksPerTurnCommandsAndTheRestInOrderInTheNextTurns() throws Exception {
        try (Node node = Node.start(quiet(tmp).tasksPerTurn(4).build(), NodeListener.ignoring())) {
            node.pause().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                node.post(new Command.SetTrace(i % 2 == 0));
            }
            List<String> commands = new ArrayList<>();
            List<Integer> perTurn = new ArrayList<>();
            for (int i = 0; i < 10 && commands.size() < 10; i++) {
                List<String> tasks = step(node, "node").tasks(); // the node's own tasks (a scan's result) may be among them
                perTurn.add(tasks.size());
                tasks.stream().filter(t -> t.startsWith("task command SetTrace")).forEach(commands::add);
            }
            assertThat(perTurn).as("tasks per turn").allMatch(n -> n <= 4).startsWith(4);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add("task command SetTrace[on=" + (i % 2 == 0) + "]");
            }
            assertThat(commands).as("every command, in the order posted").isEqualTo(expected);
            assertThat(step(node, "node").tasks()).as("nothing left").isEmpty();
            node.resume();
        }
    }

    @Test
    void aTurnReadsAtMostDatagramsPerTurnAndTheRestWaitInTheSocket() throws Exception {
        try (Node node = Node.start(quiet(tmp).datagramsPerTurn(4).build(), NodeListener.ignoring());
             DatagramChannel peer = DatagramChannel.open()) {
            node.pause().get(10, TimeUnit.SECONDS);
            InetSocketAddress to = new InetSocketAddress(PeerAddress.host(node.address()), PeerAddress.port(node.address()));
            for (int i = 0; i < 10; i++) {
                peer.send(ByteBuffer.wrap(("nonsense " + i).getBytes(StandardCharsets.US_ASCII)), to);
            }
            // Each datagram is dropped and counted (MALFORMED): one trace line each.
            assertThat(perTurn(node, "node", t -> t.startsWith("udp drop "), 10)).containsExactly(4L, 4L, 2L);
            node.resume();
            assertThat(node.stats().get(10, TimeUnit.SECONDS).datagramsIn()).isEqualTo(10);
        }
    }

    @Test
    void aTurnAcceptsAtMostAcceptsPerTurnConnectionsAndTheRestWaitInTheBacklog() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (Node node = Node.start(quiet(tmp).acceptsPerTurn(3).build(), NodeListener.ignoring())) {
            node.pause().get(10, TimeUnit.SECONDS);
            InetSocketAddress at = node.transferAddress();
            for (int i = 0; i < 7; i++) {
                clients.add(new Socket(at.getAddress(), at.getPort())); // completed by the kernel, queued in the backlog
            }
            assertThat(perTurn(node, "node", t -> t.startsWith("accept "), 7)).containsExactly(3L, 3L, 1L);
            node.resume();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    @Test
    void aTurnStartsAtMostDownloadStartsPerTurnDownloadsAndTheRestInOrderInTheNextTurns() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            names.add("f" + i + ".txt");
        }
        for (String n : names) {
            Files.writeString(a.resolve(n), "the file " + n + "\n");
        }
        Recorder bEvents = new Recorder();
        try (Node na = Node.start(quiet(a).build(), NodeListener.ignoring());
             Node nb = Node.start(quiet(b).addPeer(na.address()).downloadStartsPerTurn(2).build(), bEvents)) {
            StepModeTest.awaitKnows(na, nb);
            na.pause().get(10, TimeUnit.SECONDS);
            nb.pause().get(10, TimeUnit.SECONDS);
            for (String n : names) {
                nb.post(new Command.Fetch(n));
            }
            perTurn(nb, "b", t -> t.startsWith("task command Fetch"), 12); // b asks a
            perTurn(na, "a", t -> t.startsWith("udp out " + nb.address() + " FileOffer"), 12); // a answers all twelve
            // b reads the twelve answers in one turn; each download starts once the file thread has checked the
            // free space for it (those results come back in any grouping): never more than two start in a turn.
            List<String> starts = new ArrayList<>();
            for (int i = 0; i < 40 && starts.size() < 12; i++) {
                List<String> now = step(nb, "b").moves().stream().filter(m -> m.contains(" NEW -> CONNECTING")).toList();
                assertThat(now.size()).as("starts in one turn:\n%s", String.join("\n", transcript)).isLessThanOrEqualTo(2);
                starts.addAll(now);
            }
            assertThat(starts).hasSize(12);
            na.resume();
            nb.resume();
            for (String n : names) {
                assertThat(bEvents.awaitOutcome(n, Duration.ofSeconds(10))).isInstanceOf(NodeEvent.DownloadFinished.class);
            }
            for (String n : names) {
                assertThat(Files.readString(b.resolve(n))).isEqualTo("the file " + n + "\n");
            }
        }
    }

    @Test
    void aTurnStartsAtMostDownloadStartsPerTurnDownloadsFromSeveralSourcesAndTheRestInOrder() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        List<Command.FetchFrom> fetches = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            contents.add(("the file m" + i + ".txt\n").getBytes(StandardCharsets.US_ASCII));
            Files.write(a.resolve("m" + i + ".txt"), contents.get(i));
        }
        Recorder bEvents = new Recorder();
        try (Node na = Node.start(quiet(a).build(), NodeListener.ignoring());
             Node nb = Node.start(quiet(b).downloadStartsPerTurn(3).build(), bEvents)) {
            for (int i = 0; i < 10; i++) {
                String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(contents.get(i)));
                fetches.add(new Command.FetchFrom("m" + i + ".txt", contents.get(i).length, sha256,
                        List.of(na.transferAddress()), 0));
            }
            awaitShared(na, 10);
            nb.pause().get(10, TimeUnit.SECONDS);
            for (Command.FetchFrom f : fetches) {
                nb.post(f);
            }
            // Turn 1 runs the ten commands (after that turn's starts): each queues its swarm; then three start a turn.
            List<String> started = new ArrayList<>();
            List<Long> perTurn = new ArrayList<>();
            for (int i = 0; i < 40 && started.size() < 10; i++) {
                List<String> now = step(nb, "b").entries().stream().map(LoopStep.Entry::text)
                        .filter(t -> t.matches("swarm m\\d\\.txt NEW -> OPENING.*")).toList();
                perTurn.add((long) now.size());
                now.forEach(t -> started.add(t.split(" ")[1]));
            }
            assertThat(perTurn).as("swarms started per turn:\n%s", String.join("\n", transcript)).containsExactly(0L, 3L, 3L, 3L, 1L);
            assertThat(started).as("in the order asked").isEqualTo(fetches.stream().map(Command.FetchFrom::name).toList());
            nb.resume();
            for (Command.FetchFrom f : fetches) {
                assertThat(bEvents.awaitOutcome(f.name(), Duration.ofSeconds(20))).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(Files.readString(b.resolve(f.name()))).isEqualTo("the file " + f.name() + "\n");
            }
        }
    }

    /** Waits until {@code node} indexed {@code files} files. */
    private static void awaitShared(Node node, int files) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (node.stats().get(10, TimeUnit.SECONDS).sharedFiles() < files) {
            assertThat(System.nanoTime()).as("%d files indexed in 20 s", files).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
