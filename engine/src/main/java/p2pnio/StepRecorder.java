package p2pnio;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import p2pnio.core.Trace;
import p2pnio.loop.Observer;
import p2pnio.loop.Turn;

/**
 * Records what the next turns of a paused loop do, for {@link Node#step}: while it records, the
 * trace hands it every line (even with printing off), and the end of each turn closes one
 * {@link LoopStep}. One request at a time.
 */
final class StepRecorder implements Observer, Trace.Capture {

    private final Trace trace;
    private final Consumer<Runnable> deliver;
    private final List<LoopStep.Entry> entries = new ArrayList<>();
    private List<LoopStep> steps;
    private int remaining;
    private CompletableFuture<List<LoopStep>> done;

    /** @param deliver runs the completion of a request off the loop (on the node's event thread) */
    StepRecorder(Trace trace, Consumer<Runnable> deliver) {
        this.trace = trace;
        this.deliver = deliver;
    }

    /**
     * Records the next {@code turns} turns into {@code future}; call while the loop waits between
     * turns, before letting it go.
     */
    synchronized void expect(int turns, CompletableFuture<List<LoopStep>> future) {
        if (done != null && !done.isDone()) {
            throw new IllegalStateException("a step is already running");
        }
        steps = new ArrayList<>(turns);
        remaining = turns;
        done = future;
        entries.clear();
        trace.capture(this);
    }

    @Override
    public void line(Trace.Kind kind, String text) {
        entries.add(new LoopStep.Entry(LoopStep.Kind.valueOf(kind.name()), text));
    }

    @Override
    public void turnEnded(Turn turn) {
        CompletableFuture<List<LoopStep>> finished = null;
        List<LoopStep> result = null;
        synchronized (this) {
            if (remaining == 0) {
                return;
            }
            steps.add(new LoopStep(turn.number(), turn.selected(), turn.workNanos(), List.copyOf(entries)));
            entries.clear();
            if (--remaining == 0) {
                trace.capture(null);
                finished = done;
                result = List.copyOf(steps);
            }
        }
        if (finished != null) {
            CompletableFuture<List<LoopStep>> f = finished;
            List<LoopStep> r = result;
            deliver.accept(() -> f.complete(r));
        }
    }

    /** The node stopped: a step still running will not finish. */
    synchronized void abort() {
        if (done != null && !done.isDone()) {
            trace.capture(null);
            done.completeExceptionally(new IllegalStateException("the node stopped during the step"));
        }
    }
}
