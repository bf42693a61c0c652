package p2pnio;

import java.nio.channels.SelectionKey;
import p2pnio.core.Trace;
import p2pnio.loop.Observer;
import p2pnio.loop.Task;
import p2pnio.loop.Timers;
import p2pnio.loop.Turn;

/** Traces what each {@code select} returned (each ready key: ready for what, and whose it is) and each timer. */
final class LoopTrace implements Observer {

    private final Trace trace;

    LoopTrace(Trace trace) {
        this.trace = trace;
    }

    @Override
    public void ready(SelectionKey key) {
        if (trace.on()) {
            trace.line(Trace.Kind.READY, "select -> " + ops(key) + "[" + owner(key) + "]");
        }
    }

    @Override
    public void selected(Turn turn) {
        if (turn.selected() == 0 && trace.on()) {
            trace.line(Trace.Kind.SELECT, "select -> 0 keys (a timer is due, a task is waiting, or another thread called wakeup())");
        }
    }

    @Override
    public void taskRunning(Runnable task) {
        if (trace.on()) {
            trace.line(Trace.Kind.TASK, "task " + (task instanceof Task t ? t.name() : "(unnamed)"));
        }
    }

    @Override
    public void timerFired(Timers.Timer timer) {
        if (trace.on()) {
            trace.line(Trace.Kind.TIMER, "timer " + timer.name());
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
