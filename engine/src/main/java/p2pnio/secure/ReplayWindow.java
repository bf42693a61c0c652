package p2pnio.secure;

/**
 * Which sealed datagrams were already accepted, in bounded memory: a datagram is accepted once, if
 * its time is within {@code ±window} of ours and its nonce was not accepted before.
 *
 * <p>Why this is enough: a datagram older than {@code window} is refused by its time alone, so only
 * the nonces of datagrams whose time is within the window need remembering. Each accepted nonce
 * is kept, with its datagram's time, until our clock passes that time by more than the window;
 * from then on the time check refuses the copy. Our clock here never goes back (a step back of the
 * wall clock is held until the clock catches up), or a forgotten datagram could pass again.
 *
 * <p>The memory holds at most {@code capacity} nonces (a ring in order of arrival, indexed by an
 * open-addressing hash set of longs, no object per entry). When a burst fills it before entries
 * expire, the eldest is forgotten early and the <em>floor</em> rises to its time: from then on a
 * datagram whose time is not above the floor is refused ({@link Verdict#FORGOTTEN}), so nothing
 * forgotten can ever be accepted twice. The price, only under more than {@code capacity} datagrams
 * per window: a late datagram is refused although it is new. Loop thread only.
 */
final class ReplayWindow {

    /** What became of one datagram. */
    enum Verdict {
        /** New and on time: accepted, and remembered. */
        FRESH,
        /** Its time is more than the window before ours (possibly a replay of a forgotten one). */
        TOO_OLD,
        /** Its time is more than the window after ours. */
        TOO_NEW,
        /** Its nonce was accepted before, within the window: a replay. */
        REPLAYED,
        /** Not above the floor of a memory that had to forget early: refused, since it might be a replay. */
        FORGOTTEN
    }

    private final long window;
    private final int capacity;
    private final long[] ringTime;
    private final long[] ringNonce;
    private int head;
    private int size;
    private final long[] keys;
    private final boolean[] used;
    private final int mask;
    private final int shift;
    private long floor = Long.MIN_VALUE;
    private long clock = Long.MIN_VALUE;

    /**
     * @param windowMillis how far a datagram's time may be from ours, either way
     * @param capacity     most nonces remembered at once
     */
    ReplayWindow(long windowMillis, int capacity) {
        if (windowMillis <= 0 || capacity < 1) {
            throw new IllegalArgumentException("window " + windowMillis + " ms, capacity " + capacity);
        }
        this.window = windowMillis;
        this.capacity = capacity;
        this.ringTime = new long[capacity];
        this.ringNonce = new long[capacity];
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // a power of two, load at most 1/2
        this.keys = new long[slots];
        this.used = new boolean[slots];
        this.mask = slots - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(slots);
    }

    /**
     * Judges a datagram stamped {@code time} carrying {@code nonce}, at our wall-clock time
     * {@code now} (milliseconds), and remembers it if it is {@link Verdict#FRESH}.
     */
    Verdict check(long time, long nonce, long now) {
        clock = Math.max(clock, now);
        expire();
        if (time < clock - window) {
            return Verdict.TOO_OLD;
        }
        if (time > clock + window) {
            return Verdict.TOO_NEW;
        }
        if (time <= floor) {
            return Verdict.FORGOTTEN;
        }
        if (contains(nonce)) {
            return Verdict.REPLAYED;
        }
        if (size == capacity) {
            floor = Math.max(floor, ringTime[head]);
            removeEldest();
            if (time <= floor) {
                return Verdict.FORGOTTEN;
            }
        }
        int tail = (head + size) % capacity;
        ringTime[tail] = time;
        ringNonce[tail] = nonce;
        size++;
        add(nonce);
        return Verdict.FRESH;
    }

    /** Our clock as this window sees it: the latest time it was given (it never goes back). */
    long now() {
        return clock;
    }

    /** Nonces remembered now. */
    int size() {
        return size;
    }

    /** The time at or below which datagrams are refused because the memory forgot early (Long.MIN_VALUE: never). */
    long floor() {
        return floor;
    }

    /** Forgets, from the eldest on, the entries the time check now refuses by itself. */
    private void expire() {
        while (size > 0 && ringTime[head] < clock - window) {
            removeEldest();
        }
    }

    private void removeEldest() {
        remove(ringNonce[head]);
        head = (head + 1) % capacity;
        size--;
    }

    private int home(long key) {
        // Fibonacci hashing: the top bits of the product depend on every bit of the key
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private boolean contains(long key) {
        for (int i = home(key); used[i]; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return true;
            }
        }
        return false;
    }

    private void add(long key) {
        int i = home(key);
        while (used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
    }

    /** Removes {@code key} (present) and shifts back the entries after it that its slot delayed. */
    private void remove(long key) {
        int i = home(key);
        while (keys[i] != key || !used[i]) {
            i = (i + 1) & mask;
        }
        used[i] = false;
        for (int j = (i + 1) & mask; used[j]; j = (j + 1) & mask) {
            int h = home(keys[j]);
            // keys[j] may fill the hole at i unless its home lies cyclically in (i, j]
            boolean homeBetween = i <= j ? (h > i && h <= j) : (h > i || h <= j);
            if (!homeBetween) {
                keys[i] = keys[j];
                used[i] = true;
                used[j] = false;
                i = j;
            }
        }
    }
}
