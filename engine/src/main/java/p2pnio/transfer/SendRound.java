package p2pnio.transfer;

import java.util.ArrayDeque;

/**
 * The fair part of a loop turn: body bytes of all uploads go out here, once per turn, after the
 * turn's ready keys were handled, round-robin and within a byte budget for the whole turn.
 *
 * <p>The ring holds the uploads whose sockets can take body bytes (state {@code SEND_BODY}): one
 * joins the back when its header is out, when the selector reports its full socket writable
 * again, or when the rate limit has bytes for it again. Each turn {@link #run} serves the ring
 * from the front: each upload sends one slice ({@code sendChunkBytes}, or what is left of the
 * turn's {@code sendBytesPerTurn} if less) in one {@code transferTo}. One that sent its whole
 * slice goes to the back (its socket still has room); one whose socket filled waits for the
 * selector ({@code WAIT_WRITABLE}) and leaves the ring. When the budget is spent the rest stay at
 * the front, so the next turn continues where this one stopped, and that turn does not wait in
 * {@code select} ({@link #hasMore}). A turn therefore never sends more than one budget, however
 * many uploads run, and new requests are read, and their headers written, within one short turn
 * of arriving. Uploads waiting in the ring have no interest ops, so the selector does not report
 * a thousand writable sockets each turn to serve four. Slices stay large (256 KiB by default)
 * because clients read best in large pieces: the budget bounds how many uploads send per turn,
 * not how much each sends. Loop thread only.
 */
final class SendRound implements p2pnio.loop.EventLoop.Work {

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

    /** True while uploads wait in the ring: the next turn must come at once. */
    @Override
    public boolean hasMore() {
        return !ring.isEmpty();
    }

    /** Its name where a turn says what ran: {@code send round}. */
    @Override
    public String toString() {
        return "send round";
    }

    /** Serves the ring from the front until every upload in it had one slice or the budget is spent. */
    @Override
    public void run() {
        int n = ring.size();
        if (n == 0) {
            return;
        }
        long left = budget;
        for (int i = 0; i < n && left > 0; i++) {
            Upload u = ring.poll();
            u.inRing = false;
            left -= u.sendSlice(Math.min(chunk, left));
        }
    }
}
