package p2pnio.watch;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The JDK's own selector provider, wrapped so that every channel and selector it makes logs each
 * call with its thread ({@link Watch}). Installed for a whole JVM with
 * {@code -Djava.nio.channels.spi.SelectorProvider=p2pnio.watch.WatchedSelectorProvider} (and
 * {@code --add-exports java.base/sun.nio.ch=p2pnio.engine}, to reach the provider it wraps, and
 * {@code --add-exports p2pnio.engine/p2pnio.watch=java.base}, so that the JDK may make this one: the
 * tests run inside the engine's module; see engine/pom.xml).
 */
public final class WatchedSelectorProvider extends SelectorProvider {

    private final SelectorProvider real;

    /** Called by {@link SelectorProvider#provider()} when the system property names this class. */
    public WatchedSelectorProvider() {
        try {
            real = (SelectorProvider) Class.forName("sun.nio.ch.DefaultSelectorProvider").getMethod("get").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("run with --add-exports java.base/sun.nio.ch=p2pnio.engine", e);
        }
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        Watch.record("udp open");
        return new WatchedDatagramChannel(this, real.openDatagramChannel());
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        Watch.record("udp open");
        return new WatchedDatagramChannel(this, real.openDatagramChannel(family));
    }

    @Override
    public Pipe openPipe() throws IOException {
        throw new UnsupportedOperationException("pipes are not watched");
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        Watch.record("selector open");
        return new WatchedSelector(this, real.openSelector());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        Watch.record("tcp listen open");
        return new WatchedServerSocketChannel(this, real.openServerSocketChannel());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        Watch.record("tcp listen open");
        return new WatchedServerSocketChannel(this, real.openServerSocketChannel(family));
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        Watch.record("tcp open");
        return new WatchedSocketChannel(this, real.openSocketChannel());
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        Watch.record("tcp open");
        return new WatchedSocketChannel(this, real.openSocketChannel(family));
    }
}
