package p2pnio.bench.servers;

import java.net.InetSocketAddress;

/**
 * A server of the transfer protocol (client sends {@code Get,<name>\n}; server answers the
 * 74-byte header, the body, then closes) serving one folder on loopback. Every contender of the
 * transfer benchmarks is one of these, so one client measures them all.
 */
public interface FileServer extends AutoCloseable {

    /** Where clients connect. */
    InetSocketAddress address();

    /** Stops serving and frees every thread and socket. */
    @Override
    void close();
}
