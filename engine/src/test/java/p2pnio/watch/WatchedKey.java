package p2pnio.watch;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/** A key of a {@link WatchedSelector}: interest and readiness are those of the real key. */
final class WatchedKey extends AbstractSelectionKey {

    private final SelectableChannel channel;
    private final Selector selector;
    SelectionKey real;

    WatchedKey(SelectableChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        check();
        return real.interestOps();
    }

    @Override
    public SelectionKey interestOps(int ops) {
        Watch.record("interestOps");
        check();
        real.interestOps(ops);
        return this;
    }

    @Override
    public int readyOps() {
        check();
        return real.readyOps();
    }

    private void check() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }
}
