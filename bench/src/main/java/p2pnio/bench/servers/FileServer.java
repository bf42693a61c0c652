package p2pnio.bench.servers;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A server of the transfer protocol (client sends {@code Get,<name>\n}; server answers the
 * 74-byte header, the body, then closes) serving one folder on loopback. Every contender of the
 * transfer benchmarks is one of these, so one client measures them all.
 */
public interface FileServer extends AutoCloseable {

    /** Where clients connect. */
    InetSocketAddress address();

    /** Client connections accepted and not yet closed. */
    int connections();

    /**
     * Waits until the server holds at least {@code n} connections (accepted, with whatever it keeps
     * for each: a thread, a channel, a state machine), for at most a minute.
     */
    default void awaitConnections(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (connections() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(getClass().getSimpleName() + " holds " + connections()
                        + " connections, not " + n + ", after 60 s");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Stops serving and frees every thread and socket. */
    @Override
    void close();
}
