package p2pnio.watch;

import java.nio.channels.spi.SelectorProvider;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The log of every call made on a watched channel, selector or file, with the thread that made
 * it. Channels are watched when the JVM runs with
 * {@code -Djava.nio.channels.spi.SelectorProvider=p2pnio.watch.WatchedSelectorProvider} (every
 * {@code SocketChannel.open()}, {@code Selector.open()}, ... then goes through it); files when
 * their paths belong to a {@link WatchedFileSystem}.
 */
public final class Watch {

    /** One call: what was called on what, by which thread. */
    public record Call(String what, String thread) { }

    private static final Queue<Call> CALLS = new ConcurrentLinkedQueue<>();

    private Watch() {
    }

    static void record(String what) {
        CALLS.add(new Call(what, Thread.currentThread().getName()));
    }

    /** Every call so far. */
    public static List<Call> calls() {
        return List.copyOf(CALLS);
    }

    /** True when this JVM's channels go through {@link WatchedSelectorProvider}. */
    public static boolean channelsWatched() {
        return SelectorProvider.provider() instanceof WatchedSelectorProvider;
    }
}
