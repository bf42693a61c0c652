package p2pnio;

import java.nio.channels.SelectionKey;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.loop.Timers;

/** Traces what each {@code select} returned: which keys, ready for what, and whose they are. */
final class LoopTrace implements EventLoop.Observer {

    private final Trace trace;

    LoopTrace(Trace trace) {
        this.trace = trace;
    }

    @Override
    public void selected(int ready, Iterable<SelectionKey> keys) {
        if (!trace.on()) {
            return;
        }
        if (ready == 0) {
            trace.line("select -> 0 keys (a timer is due, or another thread called wakeup())");
            return;
        }
        StringBuilder line = new StringBuilder("select -> ").append(ready).append(ready == 1 ? " key:" : " keys:");
        for (SelectionKey key : keys) {
            line.append(' ').append(ops(key)).append('[').append(owner(key)).append(']');
        }
        trace.line(line.toString());
    }

    @Override
    public void timerFired(Timers.Timer timer) {
        if (trace.on()) {
            trace.line("timer " + timer.name());
        }
    }

    private static String ops(SelectionKey key) {
        if (!key.isValid()) {
            return "cancelled";
        }
        int r = key.readyOps();
        StringBuilder s = new StringBuilder();
        if ((r & SelectionKey.OP_ACCEPT) != 0) s.append("acceptable,");
        if ((r & SelectionKey.OP_CONNECT) != 0) s.append("connectable,");
        if ((r & SelectionKey.OP_READ) != 0) s.append("readable,");
        if ((r & SelectionKey.OP_WRITE) != 0) s.append("writable,");
        return s.length() == 0 ? "none" : s.substring(0, s.length() - 1);
    }

    private static String owner(SelectionKey key) {
        Object a = key.attachment();
        String s = a == null ? "?" : a.toString();
        return s.contains("@") ? a.getClass().getSimpleName() : s;
    }
}
