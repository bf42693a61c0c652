package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every future a node hands out completes: with the answer, with the question's failure, or because the node stopped. */
class NodeFuturesTest {

    @TempDir
    Path folder;

    @Test
    void aQueryWhoseQuestionThrowsCompletesExceptionallyAndTheNodeGoesOn() throws Exception {
        Recorder events = new Recorder();
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(folder).build(), events)) {
            CompletableFuture<Object> broken = node.query("broken", core -> {
                throw new IllegalStateException("a bug in the question");
            });
            assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("a bug in the question");
            assertThat(node.stats().get(10, TimeUnit.SECONDS).loopTurns()).isPositive();
            events.await(NodeEvent.Warning.class, w -> w.message().contains("task 'query broken' failed"), Duration.ofSeconds(5));
        }
    }

    @Test
    void queriesAndCommandsAfterTheNodeStoppedAreRefusedAtOnce() throws Exception {
        Node node = Node.start(NodeConfig.builder().port(0).folder(folder).build(), NodeListener.ignoring());
        node.close();
        assertThatThrownBy(() -> node.stats().get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the node has stopped");
        assertThatThrownBy(() -> node.peers().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> node.post(new Command.ListPeers())).isInstanceOf(IllegalStateException.class)
                .hasMessage("the node has stopped");
    }
}
