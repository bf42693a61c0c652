package p2pnio.transfer;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import p2pnio.loop.Timers;

/**
 * A rate limit on the loop: a token bucket, shared by every connection of one direction (all
 * uploads of the node, or all its downloads, however many connections a download uses), that
 * turns "too fast" into a wait on a timer instead of a sleep.
 *
 * <p>Tokens are bytes. They accrue at {@link #rate()} bytes per second up to a burst of a tenth of
 * a second's worth ({@link #capacity()}). A connection asks its {@link Account} for bytes before
 * each {@code transferTo} or {@code read} and moves at most what it was granted:
 * <ul>
 *   <li>while the bucket holds enough and nobody waits, the grant comes at once, at most one
 *       {@link #quantum() quantum} (a fair share: half the burst divided among the connections that
 *       use the bucket, but no less than {@value #MIN_QUANTUM} bytes), so that one connection cannot
 *       empty the bucket ahead of the others;</li>
 *   <li>otherwise the grant is 0: the connection joins a first-come-first-served queue and drops
 *       its interest ops (its throttled state). One timer per bucket fires when a quantum has
 *       accrued, reserves a quantum for the connection at the head of the queue, and calls its
 *       {@link Waiter#resume()}, which gives it its interest ops back. A connection that asks
 *       while others wait queues behind them: bytes go round, nobody starves.</li>
 * </ul>
 * A grant that the socket did not take in full is kept by the connection for its next try
 * ({@link Account#unused}); a connection that ends gives back what it holds. Nothing sleeps and
 * nothing spins: a throttled connection is not in the selector's ready set and costs nothing
 * until its timer. A rate of 0 means unlimited: every grant is what was asked, with no
 * bookkeeping at all. Time is the loop's clock. Loop thread only.
 */
public final class TokenBucket {

    /** What the bucket wakes when bytes are there again for a throttled connection. */
    public interface Waiter {
        /** Bytes were reserved for this connection: take up the interest ops again. */
        void resume();
    }

    /** A quantum is never smaller than this (unless the whole burst is), so grants stay worth a system call. */
    static final long MIN_QUANTUM = 4096;
    /** The burst: a tenth of a second's worth of bytes. */
    private static final long BURST_DIVISOR = 10;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String name;
    private final Timers timers;
    private final LongSupplier clock;
    private final ArrayDeque<Account> waiting = new ArrayDeque<>();
    private long rate;
    private double tokens;
    private long refilledAt;
    private int users;
    private Timers.Timer wake;

    /**
     * @param name   for the timer's name in the trace ({@code "upload"}, {@code "download"})
     * @param timers the loop's timers
     * @param clock  the loop's clock, nanoseconds
     * @param rate   bytes per second; 0 for unlimited
     */
    public TokenBucket(String name, Timers timers, LongSupplier clock, long rate) {
        this.name = name;
        this.timers = timers;
        this.clock = clock;
        this.refilledAt = clock.getAsLong();
        setRate(rate);
    }

    /** Bytes per second; 0 when unlimited. */
    public long rate() {
        return rate;
    }

    /** True when a rate is set. */
    public boolean limited() {
        return rate > 0;
    }

    /**
     * Changes the rate, at once, for every connection using the bucket. Tokens accrued so far stay
     * (up to the new burst); throttled connections are woken when the new rate has made their
     * bytes, or at once if the bucket becomes unlimited.
     *
     * @param bytesPerSecond 0 for unlimited
     */
    public void setRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a rate limit must be 0 (unlimited) or more bytes per second, got "
                    + bytesPerSecond);
        }
        boolean wasLimited = rate > 0;
        refill();
        rate = bytesPerSecond;
        if (!wasLimited) {
            tokens = capacity(); // a fresh limit starts with its burst, as a fresh bucket does
        }
        tokens = Math.min(tokens, capacity());
        if (wake != null) {
            wake.cancel();
            wake = null;
        }
        if (rate == 0) {
            while (!waiting.isEmpty()) {
                Account a = waiting.poll();
                a.queued = false;
                a.waiter.resume();
            }
        } else {
            scheduleWake();
        }
    }

    /** The most tokens the bucket holds: a tenth of a second's worth (at least 1 byte). */
    long capacity() {
        return Math.max(1, rate / BURST_DIVISOR);
    }

    /**
     * The most one grant gives: half the burst shared among the connections using the bucket, at
     * least {@value #MIN_QUANTUM} bytes (or half the burst, if smaller), at least 1 byte.
     */
    long quantum() {
        long half = Math.max(1, capacity() / 2);
        return Math.max(half / Math.max(1, users), Math.min(MIN_QUANTUM, half));
    }

    /** Connections that hold an account now. */
    int users() {
        return users;
    }

    /** Connections waiting for bytes now. */
    int waiting() {
        return waiting.size();
    }

    /** Tokens in the bucket now (after accruing up to now). */
    long tokens() {
        refill();
        return (long) tokens;
    }

    /** Opens an account for a connection that starts moving body bytes; {@link Account#close} it when it ends. */
    public Account open(Waiter waiter) {
        users++;
        return new Account(waiter);
    }

    private void refill() {
        long now = clock.getAsLong();
        long elapsed = now - refilledAt;
        refilledAt = now;
        if (rate == 0 || elapsed <= 0) {
            return;
        }
        // Past a second the bucket is full whatever the rate: cap the product so that it cannot overflow.
        tokens = Math.min(capacity(), tokens + (double) Math.min(elapsed, NANOS_PER_SECOND) * rate / NANOS_PER_SECOND);
    }

    private void scheduleWake() {
        if (waiting.isEmpty() || (wake != null && wake.isPending())) {
            return;
        }
        double missing = quantum() - tokens;
        long delay = missing <= 0 ? 0 : (long) Math.ceil(missing * NANOS_PER_SECOND / rate);
        wake = timers.at(clock.getAsLong() + delay, name + " rate limit", this::wakeWaiters);
    }

    /** The timer: hands a quantum to each waiting connection, in order, while the bucket has one. */
    private void wakeWaiters() {
        wake = null;
        refill();
        long q = quantum();
        while (!waiting.isEmpty() && tokens >= q) {
            Account a = waiting.poll();
            a.queued = false;
            a.allowance += q;
            tokens -= q;
            a.waiter.resume();
        }
        scheduleWake();
    }

    /** One connection's use of the bucket: what it was granted and has not used yet. */
    public final class Account {
        private final Waiter waiter;
        private long allowance;
        private boolean queued;
        private boolean closed;

        private Account(Waiter waiter) {
            this.waiter = waiter;
        }

        /**
         * Bytes the connection may move now, at most {@code want}; 0 means "throttled": it has been
         * queued and its {@link Waiter#resume()} will be called when bytes were reserved for it.
         * Move no more than the grant; report what was not moved with {@link #unused}.
         */
        public long take(long want) {
            if (rate == 0 || want <= 0) {
                return want;
            }
            if (allowance > 0) {
                long g = Math.min(want, allowance);
                allowance -= g;
                return g;
            }
            refill();
            long q = quantum();
            if (waiting.isEmpty() && tokens >= Math.min(want, q)) {
                long g = Math.min(want, q);
                tokens -= g;
                return g;
            }
            if (!queued) {
                queued = true;
                waiting.add(this);
            }
            scheduleWake();
            return 0;
        }

        /** Bytes of the last grant that the socket did not take: kept for this connection's next try. */
        public void unused(long bytes) {
            if (rate > 0 && bytes > 0) {
                allowance += bytes;
            }
        }

        /** True while this connection waits in the bucket's queue. */
        public boolean throttled() {
            return queued;
        }

        /** The connection ended: what it holds goes back to the bucket, and it leaves the queue. */
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            users--;
            if (queued) {
                waiting.remove(this);
                queued = false;
            }
            if (rate > 0 && allowance > 0) {
                refill();
                tokens = Math.min(capacity(), tokens + allowance);
            }
            allowance = 0;
        }
    }
}
