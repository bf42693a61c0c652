package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;

/**
 * {@code Get} at scale (issue 13): a request asks the priority responders and a bounded set of
 * others first, and widens on each retry, so its cost and its answers do not grow with the cluster.
 */
class GetAtScaleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aRequestAsksABoundedSetFirstAndWidensOnEachRetryThenAPriorityResponderIsAskedFirst() throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            Node asker = cluster.start("asker", b -> b.getFanout(2).getRetryInitial(Duration.ofMillis(150))
                    .waiting(Duration.ofMillis(2000)));
            List<Node> others = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                others.add(cluster.start("n" + i, b -> b.addPeer(asker.address())));
            }
            Node holder = others.get(7);
            Files.writeString(TestCluster.folder(holder).resolve("rare.txt"), "only here");
            Files.writeString(TestCluster.folder(holder).resolve("rare-too.txt"), "only here too");
            Poll.until(WAIT, () -> asker.peers().get(5, TimeUnit.SECONDS), known -> known.size() >= 10);

            // nobody has it: tries at 0, 0.15, 0.45 and 1.05 s within the 2 s wait, each twice as wide
            asker.post(new Command.Fetch("missing.txt"));
            assertThat(cluster.events(asker).awaitOutcome("missing.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFailed.class);
            assertThat(cluster.events(asker).all(NodeEvent.RequestSent.class)).filteredOn(e -> e.name().equals("missing.txt"))
                    .extracting(NodeEvent.RequestSent::peers).containsExactly(2, 4, 8, 10);

            asker.post(new Command.Fetch("rare.txt"));
            assertThat(cluster.events(asker).awaitOutcome("rare.txt", WAIT)).isInstanceOf(NodeEvent.DownloadFinished.class);

            // the holder answered: it is a priority responder now, asked on the first try
            asker.post(new Command.Fetch("rare-too.txt"));
            NodeEvent.RequestAnswered answered = cluster.events(asker).await(NodeEvent.RequestAnswered.class,
                    e -> e.name().equals("rare-too.txt"), WAIT);
            assertThat(answered.peer()).isEqualTo(holder.address());
            NodeEvent.RequestSent first = cluster.events(asker).await(NodeEvent.RequestSent.class,
                    e -> e.name().equals("rare-too.txt"), WAIT);
            assertThat(first.peers()).isEqualTo(3); // the priority responder and two others
            assertThat(cluster.events(asker).all(NodeEvent.RequestSent.class))
                    .filteredOn(e -> e.name().equals("rare-too.txt")).hasSize(1); // answered before any retry
        }
    }
}
