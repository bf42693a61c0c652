package p2pnio.hostile;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import p2pnio.Node;
import p2pnio.NodeStats;
import p2pnio.wire.DropReason;

/** The hostile tests' questions to a node, and {@link p2pnio.testkit.Poll} for the values they wait for. */
final class Poll {

    private Poll() {
    }

    /** Polls {@code value} until {@code done} holds; fails with the last value after {@code timeout}. */
    static <T> T until(Duration timeout, Supplier<T> value, Predicate<T> done) {
        return p2pnio.testkit.Poll.until(timeout, value::get, done);
    }

    /** The node's counters now. */
    static NodeStats stats(Node node) {
        try {
            return node.stats().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no stats from the node", e);
        }
    }

    /** Datagrams dropped for {@code reason} so far. */
    static long dropped(Node node, DropReason reason) {
        return stats(node).dropped().getOrDefault(reason.name(), 0L);
    }

    /** Waits until the node has received {@code count} datagrams in all. */
    static NodeStats datagramsIn(Node node, long count) {
        return until(Duration.ofSeconds(10), () -> stats(node), s -> s.datagramsIn() >= count);
    }
}
