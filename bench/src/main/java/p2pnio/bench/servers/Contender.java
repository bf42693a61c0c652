package p2pnio.bench.servers;

import java.nio.file.Path;

/**
 * Every server the transfer benchmarks compare, by the name used in {@code @Param} and in
 * BENCHMARKS.md. {@code node} is ours; the ratio column of every table is relative to it.
 */
public enum Contender {
    /** Our node: one selector thread, {@code transferTo} in 1 MiB chunks. */
    node,
    /** Thread per connection, {@code java.io} streams, 8 KiB copy loop. */
    blocking,
    /** Thread per connection, 1 KiB copy loop, as the reference node copies. */
    reference,
    /** Netty 4.2, NIO transport, {@code DefaultFileRegion}, one event-loop thread. */
    netty_nio,
    /** Netty 4.2, native epoll transport, {@code DefaultFileRegion} (sendfile), one event-loop thread. */
    netty_epoll;

    /** Starts this contender serving {@code folder}, which holds {@code files} files. */
    public FileServer start(Path folder, int files) {
        return switch (this) {
            case node -> new NodeServer(folder, files);
            case blocking -> new BlockingServer(folder, 8 * 1024, "blocking");
            case reference -> new BlockingServer(folder, 1024, "reference");
            case netty_nio -> new NettyServer(folder, NettyServer.Transport.NIO);
            case netty_epoll -> new NettyServer(folder, NettyServer.Transport.EPOLL);
        };
    }
}
