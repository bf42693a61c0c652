package p2pnio.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What a selection key's attachment implements: the code that runs when its channel is ready.
 *
 * <p>Both methods run on the loop thread only. {@link #onReady} may throw; the loop then calls
 * {@link #onFailure} for the same handler, which must close the channel and report the failure.
 * Nothing a handler throws stops the loop.
 */
public interface Handler {

    /** Called when {@code key} is ready for at least one of the operations in its interest set. */
    void onReady(SelectionKey key) throws IOException;

    /** Called when {@link #onReady} threw: close what this handler owns, report, never throw. */
    void onFailure(Exception cause);
}
