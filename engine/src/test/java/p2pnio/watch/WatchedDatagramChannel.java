package p2pnio.watch;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectableChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/** A UDP socket that logs every call with its thread, then makes it on the real channel. */
final class WatchedDatagramChannel extends DatagramChannel implements WatchedChannel {

    private final DatagramChannel real;

    WatchedDatagramChannel(SelectorProvider provider, DatagramChannel real) {
        super(provider);
        this.real = real;
    }

    @Override
    public SelectableChannel real() {
        return real;
    }

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        Watch.record("udp bind");
        real.bind(local);
        return this;
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        Watch.record("udp setOption");
        real.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Watch.record("udp getOption");
        return real.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return real.supportedOptions();
    }

    @Override
    public DatagramSocket socket() {
        throw new UnsupportedOperationException("the socket adaptor is not watched");
    }

    @Override
    public boolean isConnected() {
        return real.isConnected();
    }

    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        Watch.record("udp connect");
        real.connect(remote);
        return this;
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        Watch.record("udp disconnect");
        real.disconnect();
        return this;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        Watch.record("udp getRemoteAddress");
        return real.getRemoteAddress();
    }

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        Watch.record("udp receive");
        return real.receive(dst);
    }

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Watch.record("udp send");
        return real.send(src, target);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Watch.record("udp read");
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Watch.record("udp read");
        return real.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Watch.record("udp write");
        return real.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Watch.record("udp write");
        return real.write(srcs, offset, length);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        Watch.record("udp getLocalAddress");
        return real.getLocalAddress();
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
        throw new UnsupportedOperationException("multicast is not watched");
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
        throw new UnsupportedOperationException("multicast is not watched");
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Watch.record("udp close");
        real.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        Watch.record("udp configureBlocking");
        real.configureBlocking(block);
    }
}
