package p2pnio.transfer;

import java.util.ArrayDeque;

/**
 * The fair part of a loop turn: body bytes of all uploads go out here, once per turn, after the
 * turn's ready keys were handled, round-robin and within a byte budget for the whole turn.
 *
 * <p>An upload whose socket can take body bytes joins the back of the ring (when the selector
 * reports it writable, or when its header is out). Each turn {@link #run} serves the ring from
 * the front: every upload gets a slice of the turn's budget ({@code sendBytesPerTurn} divided
 * among the uploads waiting, at least {@value #MIN_SLICE} bytes, at most {@code sendChunkBytes}),
 * sends what its socket takes, and leaves the ring until it is writable again. When the budget is
 * spent the rest stay at the front for the next turn, so the next turn continues where this one
 * stopped. A turn therefore never sends more than about one budget, however many uploads run, and
 * new requests are read, and their headers written, within one turn of arriving. Loop thread only.
 */
final class SendRound {

    /** The smallest slice an upload gets in a turn (unless its chunk size is smaller). */
    static final long MIN_SLICE = 64 * 1024;

    private final ArrayDeque<Upload> ring = new ArrayDeque<>();
    private final long budget;
    private final long chunk;

    /**
     * @param budget most body bytes all uploads send together in one turn
     * @param chunk  most body bytes one upload sends in one turn ({@code sendChunkBytes})
     */
    SendRound(long budget, long chunk) {
        this.budget = budget;
        this.chunk = chunk;
    }

    /** {@code upload} can send: it joins the back of the ring unless it is already in it. */
    void ready(Upload upload) {
        if (!upload.inRing) {
            upload.inRing = true;
            ring.add(upload);
        }
    }

    /** Uploads waiting for their turn to send. */
    int waiting() {
        return ring.size();
    }

    /** Serves the ring from the front until every upload in it had one slice or the budget is spent. */
    void run() {
        int n = ring.size();
        if (n == 0) {
            return;
        }
        long left = budget;
        long slice = Math.min(chunk, Math.max(budget / n, Math.min(MIN_SLICE, chunk)));
        for (int i = 0; i < n && left > 0; i++) {
            Upload u = ring.poll();
            u.inRing = false;
            left -= u.sendSlice(Math.min(slice, left));
        }
    }
}
