package p2pnio.watch;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/** A TCP connection that logs every call with its thread, then makes it on the real channel. */
final class WatchedSocketChannel extends SocketChannel implements WatchedChannel {

    final SocketChannel real;

    WatchedSocketChannel(SelectorProvider provider, SocketChannel real) {
        super(provider);
        this.real = real;
    }

    @Override
    public SelectableChannel real() {
        return real;
    }

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        Watch.record("tcp bind");
        real.bind(local);
        return this;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Watch.record("tcp setOption");
        real.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Watch.record("tcp getOption");
        return real.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return real.supportedOptions();
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        Watch.record("tcp shutdownInput");
        real.shutdownInput();
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        Watch.record("tcp shutdownOutput");
        real.shutdownOutput();
        return this;
    }

    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("the socket adaptor is not watched");
    }

    @Override
    public boolean isConnected() {
        return real.isConnected();
    }

    @Override
    public boolean isConnectionPending() {
        return real.isConnectionPending();
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        Watch.record("tcp connect");
        return real.connect(remote);
    }

    @Override
    public boolean finishConnect() throws IOException {
        Watch.record("tcp finishConnect");
        return real.finishConnect();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        Watch.record("tcp getRemoteAddress");
        return real.getRemoteAddress();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Watch.record("tcp read");
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Watch.record("tcp read");
        return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Watch.record("tcp write");
        return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Watch.record("tcp write");
        return real.write(srcs, offset, length);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        Watch.record("tcp getLocalAddress");
        return real.getLocalAddress();
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Watch.record("tcp close");
        real.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        Watch.record("tcp configureBlocking");
        real.configureBlocking(block);
    }
}
