package p2pnio.hostile;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import p2pnio.Node;
import p2pnio.NodeStats;
import p2pnio.wire.DropReason;

/** Waiting without sleeping as synchronisation: poll a condition until a deadline. */
public final class Poll {

    private Poll() {
    }

    /** Polls {@code value} until {@code done} holds; fails with the last value after {@code timeout}. */
    public static <T> T until(Duration timeout, Supplier<T> value, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = value.get();
        }
        return last;
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
