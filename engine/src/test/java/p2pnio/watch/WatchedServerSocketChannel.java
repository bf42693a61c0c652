package p2pnio.watch;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/** A listening TCP socket that logs every call with its thread; what it accepts is watched too. */
final class WatchedServerSocketChannel extends ServerSocketChannel implements WatchedChannel {

    private final ServerSocketChannel real;

    WatchedServerSocketChannel(SelectorProvider provider, ServerSocketChannel real) {
        super(provider);
        this.real = real;
    }

    @Override
    public SelectableChannel real() {
        return real;
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        Watch.record("tcp listen bind");
        real.bind(local, backlog);
        return this;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Watch.record("tcp listen setOption");
        real.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Watch.record("tcp listen getOption");
        return real.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return real.supportedOptions();
    }

    @Override
    public ServerSocket socket() {
        throw new UnsupportedOperationException("the socket adaptor is not watched");
    }

    @Override
    public SocketChannel accept() throws IOException {
        Watch.record("tcp accept");
        SocketChannel c = real.accept();
        return c == null ? null : new WatchedSocketChannel(provider(), c);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        Watch.record("tcp listen getLocalAddress");
        return real.getLocalAddress();
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Watch.record("tcp listen close");
        real.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        Watch.record("tcp listen configureBlocking");
        real.configureBlocking(block);
    }
}
