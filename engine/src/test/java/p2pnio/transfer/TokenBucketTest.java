package p2pnio.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import p2pnio.loop.Timers;

/**
 * The token bucket on a moved clock: connections that always want more, driven the way the loop
 * drives them (a connection asks only while it is not throttled; the bucket's timer runs when the
 * clock reaches it), over ten seconds of the clock's time in a few milliseconds of ours.
 */
class TokenBucketTest {

    private static final long MS = 1_000_000L;
    private static final long MIB = 1 << 20;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final Timers timers = new Timers();

    /** A connection that wants {@code appetite} bytes per try and counts what it got. */
    private final class Conn implements TokenBucket.Waiter {
        final TokenBucket.Account account;
        final long appetite;
        long got;
        boolean throttled;
        int resumed;

        Conn(TokenBucket bucket, long appetite) {
            this.account = bucket.open(this);
            this.appetite = appetite;
        }

        void tryOnce() {
            if (throttled) {
                return;
            }
            long g = account.take(appetite);
            if (g == 0) {
                throttled = true;
            }
            got += g;
        }

        @Override
        public void resume() {
            throttled = false;
            resumed++;
        }
    }

    /** Runs the loop for {@code millis} of clock time: each 1 ms turn, the due timers, then every connection in a random order. */
    private void run(long millis, List<Conn> conns, Random random) {
        for (long t = 0; t < millis; t++) {
            clock.addAndGet(MS);
            timers.runDue(clock.get());
            List<Conn> order = new ArrayList<>(conns);
            java.util.Collections.shuffle(order, random);
            order.forEach(Conn::tryOnce);
        }
    }

    private TokenBucket bucket(long rate) {
        return new TokenBucket("test", timers, clock::get, rate);
    }

    @Test
    void unlimitedGrantsWhatIsAskedAndSchedulesNothing() {
        TokenBucket b = bucket(0);
        Conn c = new Conn(b, 10 * MIB);
        run(100, List.of(c), new Random(1));
        assertThat(c.got).isEqualTo(100 * 10 * MIB);
        assertThat(timers.pending()).isZero();
    }

    @Test
    void oneConnectionGetsTheRateWithinOnePercentOverTenSeconds() {
        long rate = 5 * MIB;
        Conn c = new Conn(bucket(rate), MIB);
        run(10_000, List.of(c), new Random(2));
        // The rate for ten seconds, plus at most the burst the bucket starts with (a tenth of a second).
        assertThat((double) c.got).isCloseTo(rate * 10.0, within(rate * 10.0 * 0.01 + rate / 10.0));
        assertThat(c.got).isGreaterThanOrEqualTo(rate * 10);
    }

    @Test
    void aThrottledConnectionIsWokenByTheBucketsTimerNotByAskingAgain() {
        TokenBucket b = bucket(MIB);
        Conn c = new Conn(b, 10 * MIB);
        c.tryOnce(); // takes a quantum of the starting burst
        while (!c.throttled) {
            c.tryOnce();
        }
        assertThat(c.account.throttled()).isTrue();
        assertThat(timers.pending()).isEqualTo(1);
        long before = c.got;
        // Half a burst at 1 MiB/s is 50 ms: nothing happens before the timer's deadline.
        clock.addAndGet(49 * MS);
        timers.runDue(clock.get());
        assertThat(c.resumed).isZero();
        clock.addAndGet(2 * MS);
        timers.runDue(clock.get());
        assertThat(c.resumed).isEqualTo(1);
        c.tryOnce();
        assertThat(c.got - before).isEqualTo(b.quantum()); // what the timer reserved for it
    }

    @Test
    void connectionsSharingABucketGetEqualSharesAndTogetherTheRate() {
        long rate = 8 * MIB;
        TokenBucket b = bucket(rate);
        List<Conn> conns = List.of(new Conn(b, 4 * MIB), new Conn(b, 64 * 1024), new Conn(b, MIB));
        run(10_000, conns, new Random(3));
        long total = conns.stream().mapToLong(c -> c.got).sum();
        assertThat((double) total).isCloseTo(rate * 10.0, within(rate * 10.0 * 0.01 + rate / 10.0));
        for (Conn c : conns) {
            // Whatever each asks per try, each gets a third, within 5 %.
            assertThat((double) c.got).isCloseTo(total / 3.0, within(total / 3.0 * 0.05));
        }
    }

    @Test
    void aSmallAppetiteIsNotStarvedByLargeOnes() {
        long rate = 4 * MIB;
        TokenBucket b = bucket(rate);
        List<Conn> large = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            large.add(new Conn(b, 16 * MIB));
        }
        Conn small = new Conn(b, 4096);
        List<Conn> all = new ArrayList<>(large);
        all.add(small);
        run(10_000, all, new Random(4));
        // Nine connections: the small one's 4 KiB tries still get about a ninth of the rate.
        long total = all.stream().mapToLong(c -> c.got).sum();
        assertThat((double) small.got).isCloseTo(total / 9.0, within(total / 9.0 * 0.10));
    }

    @Test
    void aNewRateTakesEffectAtOnceAndUnlimitedWakesEveryone() {
        TokenBucket b = bucket(2 * MIB);
        Conn c = new Conn(b, MIB);
        Conn d = new Conn(b, MIB);
        run(5_000, List.of(c, d), new Random(5));
        long firstHalf = c.got + d.got;
        assertThat((double) firstHalf).isCloseTo(2.0 * MIB * 5, within(2.0 * MIB * 5 * 0.02 + 2.0 * MIB / 10));

        b.setRate(8 * MIB);
        run(5_000, List.of(c, d), new Random(6));
        long secondHalf = c.got + d.got - firstHalf;
        assertThat((double) secondHalf).isCloseTo(8.0 * MIB * 5, within(8.0 * MIB * 5 * 0.02 + 8.0 * MIB / 10));

        while (!c.throttled) {
            c.tryOnce();
        }
        b.setRate(0);
        assertThat(c.throttled).isFalse(); // woken at once, no timer needed
        assertThat(b.waiting()).isZero();
        long before = c.got;
        c.tryOnce();
        assertThat(c.got - before).isEqualTo(MIB);
    }

    @Test
    void aConnectionThatEndsLeavesTheQueueAndGivesBackWhatItHeld() {
        TokenBucket b = bucket(MIB);
        Conn c = new Conn(b, 10 * MIB);
        Conn d = new Conn(b, 10 * MIB);
        while (!c.throttled) {
            c.tryOnce();
        }
        d.tryOnce();
        assertThat(b.waiting()).isEqualTo(2);
        c.account.close();
        assertThat(b.waiting()).isEqualTo(1);
        assertThat(b.users()).isEqualTo(1);

        assertThat(d.account.take(0)).isZero(); // nothing asked, nothing given
        long tokens = b.tokens(); // the clock stands still: only what comes back changes it
        d.account.unused(1000); // a grant the socket did not take...
        d.account.close(); // ...goes back to the bucket with the connection
        assertThat(b.tokens()).isEqualTo(tokens + 1000);
        assertThat(b.users()).isZero();
        assertThat(b.waiting()).isZero();
    }

    @Test
    void aNegativeRateIsRefused() {
        assertThatThrownBy(() -> bucket(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 (unlimited)");
    }
}
