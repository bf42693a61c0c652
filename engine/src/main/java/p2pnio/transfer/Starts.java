package p2pnio.transfer;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import p2pnio.core.Attempt;
import p2pnio.loop.EventLoop;

/**
 * The downloads asked for and not started yet, in the order asked: each turn, right after its
 * ready keys were handled, starts at most {@code downloadStartsPerTurn} of them (a socket opened,
 * its connect begun, registered; for a download from several sources, its {@link Swarm} started:
 * the partial file asked of the file thread, one connection per source once it is made). Answers
 * that arrive together (a wave of {@code File}s read in one turn, a hundred {@code Fetch} or
 * {@code FetchFrom} commands) would otherwise start every download in one long turn; here they
 * start over the next short turns, which do not wait in {@code select} while any is left
 * ({@link #hasMore}). A queued download counts as downloading: against the limit, for a second
 * request of its name and for {@code cancel}. Loop thread only.
 */
final class Starts implements EventLoop.Work {

    /** A download waiting to start. */
    sealed interface Waiting permits Pending, Many {
        /** The name asked for. */
        String name();
    }

    /** One download from one source to start: the arguments of {@link Transfers#download} with a try. */
    record Pending(String name, InetSocketAddress server, String peer, InetSocketAddress answeredFrom,
                   Attempt attempt) implements Waiting { }

    /** A download from several sources to start: its swarm, made and not started. */
    record Many(Swarm swarm) implements Waiting {
        @Override
        public String name() {
            return swarm.name();
        }
    }

    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private final int perTurn;
    private final Consumer<Waiting> start;

    /**
     * @param perTurn most downloads started in one turn
     * @param start   starts one (on the loop, in the turn's work after the handlers)
     */
    Starts(int perTurn, Consumer<Waiting> start) {
        this.perTurn = perTurn;
        this.start = start;
    }

    /** Queues {@code p} behind those already waiting. */
    void add(Waiting p) {
        queue.add(p);
    }

    /** Downloads waiting to start. */
    int waiting() {
        return queue.size();
    }

    /** True if a download of {@code name} waits to start. */
    boolean contains(String name) {
        return find(name) != null;
    }

    /** The waiting download of {@code name}; null if none waits. */
    Waiting find(String name) {
        for (Waiting p : queue) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Takes the waiting download of {@code name} out of the queue; null if none waits. */
    Waiting remove(String name) {
        for (Iterator<Waiting> it = queue.iterator(); it.hasNext(); ) {
            Waiting p = it.next();
            if (p.name().equals(name)) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /** Takes every waiting download out of the queue (at shutdown), oldest first. */
    List<Waiting> removeAll() {
        List<Waiting> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }

    @Override
    public boolean hasMore() {
        return !queue.isEmpty();
    }

    /** Starts the oldest waiting downloads, at most {@code perTurn}. */
    @Override
    public void run() {
        for (int i = 0; i < perTurn && !queue.isEmpty(); i++) {
            start.accept(queue.poll());
        }
    }

    /** Its name where a turn says what ran: {@code download starts}. */
    @Override
    public String toString() {
        return "download starts";
    }
}
