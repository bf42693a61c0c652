package p2pnio.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What a selection key's attachment implements: the code that runs when its channel is ready.
 *
 * <p>The contract, which the loop enforces. Both methods run on the loop thread only.
 * <ul>
 *   <li>{@link #onReady} may throw. The loop then calls {@link #onFailure} of the same handler,
 *       at once, with what it threw.</li>
 *   <li>{@link #onFailure} decides what becomes of the channel: <b>close</b> it and report (the
 *       connection is over: the usual answer), or <b>keep</b> it, when the failure was about one
 *       event and not the channel (one bad datagram, one failed {@code accept}). A handler that
 *       keeps its channel must not fail the same way on every turn: it drops its interest for a
 *       while, or lets the loop count.</li>
 *   <li>{@link #onFailure} must not throw. If it does, or if a key whose handler keeps it fails
 *       {@value EventLoop#FAILURES_IN_A_ROW} turns in a row, the loop cancels the key, closes
 *       the channel and reports it: a bug in a handler cannot make the loop spin.</li>
 * </ul>
 * Nothing a handler throws stops the loop.
 */
public interface Handler {

    /** Called when {@code key} is ready for at least one of the operations in its interest set. */
    void onReady(SelectionKey key) throws IOException;

    /** Called when {@link #onReady} threw: close the channel and report, or keep it (see above); never throw. */
    void onFailure(Exception cause);
}
