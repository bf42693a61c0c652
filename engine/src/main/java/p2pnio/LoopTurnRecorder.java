package p2pnio;

import jdk.jfr.FlightRecorder;
import p2pnio.core.Trace;
import p2pnio.jfr.LoopTurnEvent;
import p2pnio.loop.Observer;
import p2pnio.loop.Turn;

/**
 * Gives Flight Recorder the loop's long turns: a span around each turn's work, committed when it
 * passes the event's threshold (10 ms by default), with what ran in it. Until a recording starts,
 * JFR is not initialized and each turn costs one static check.
 */
final class LoopTurnRecorder implements Observer {

    private final Trace names;
    private LoopTurnEvent current;

    /** @param names gives the node's {@code host:port} (the trace's tag) */
    LoopTurnRecorder(Trace names) {
        this.names = names;
    }

    @Override
    public void turnStarted(Turn turn) {
        if (FlightRecorder.isInitialized()) {
            LoopTurnEvent e = new LoopTurnEvent();
            if (e.isEnabled()) {
                e.begin();
                current = e;
            }
        }
    }

    @Override
    public void turnEnded(Turn turn) {
        LoopTurnEvent e = current;
        if (e == null) {
            return;
        }
        current = null;
        e.end();
        if (e.shouldCommit()) {
            e.node = names.tag();
            e.turn = turn.number();
            e.keys = turn.selected();
            e.handlers = turn.handled();
            e.tasks = turn.tasks();
            e.timers = turn.timers();
            e.whatRan = turn.whatRan();
            e.commit();
        }
    }
}
