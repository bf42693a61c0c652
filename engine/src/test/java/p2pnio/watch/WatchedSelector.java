package p2pnio.watch;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A selector over a real one: watched channels are registered with the real selector under their
 * real channels, and each real key carries the watched key it stands for. {@link #wakeup()} is
 * meant for other threads and is not logged; every other call is.
 */
final class WatchedSelector extends AbstractSelector {

    private final Selector real;
    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> selected = ConcurrentHashMap.newKeySet();

    WatchedSelector(SelectorProvider provider, Selector real) {
        super(provider);
        this.real = real;
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        Watch.record("register");
        WatchedKey key = new WatchedKey(ch, this);
        try {
            key.real = ((WatchedChannel) ch).real().register(real, ops, key);
        } catch (ClosedChannelException e) {
            throw new IllegalStateException(e);
        }
        key.attach(att);
        keys.add(key);
        return key;
    }

    @Override
    public Set<SelectionKey> keys() {
        Watch.record("keys");
        return Collections.unmodifiableSet(keys);
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        Watch.record("selectedKeys");
        return selected;
    }

    @Override
    public int selectNow() throws IOException {
        Watch.record("select");
        dropCancelled();
        real.selectNow();
        return takeSelected();
    }

    @Override
    public int select(long timeout) throws IOException {
        Watch.record("select");
        dropCancelled();
        real.select(timeout);
        return takeSelected();
    }

    @Override
    public int select() throws IOException {
        return select(0);
    }

    @Override
    public Selector wakeup() {
        real.wakeup();
        return this;
    }

    @Override
    protected void implCloseSelector() throws IOException {
        Watch.record("selector close");
        real.close();
        for (SelectionKey k : keys) {
            deregister((AbstractSelectionKey) k);
        }
        keys.clear();
        selected.clear();
    }

    private int takeSelected() {
        int n = 0;
        for (SelectionKey rk : real.selectedKeys()) {
            WatchedKey k = (WatchedKey) rk.attachment();
            if (k.isValid() && selected.add(k)) {
                n++;
            }
        }
        real.selectedKeys().clear();
        dropCancelled();
        return n;
    }

    private void dropCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            for (SelectionKey k : cancelled) {
                ((WatchedKey) k).real.cancel();
                keys.remove(k);
                selected.remove(k);
                deregister((AbstractSelectionKey) k);
            }
            cancelled.clear();
        }
    }
}
