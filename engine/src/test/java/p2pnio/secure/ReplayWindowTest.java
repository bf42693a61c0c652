package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import p2pnio.secure.ReplayWindow.Verdict;

class ReplayWindowTest {

    @Test
    void aNonceIsAcceptedOnceWithinTheWindow() {
        ReplayWindow w = new ReplayWindow(1000, 16);
        assertThat(w.check(10_000, 7, 10_000)).isEqualTo(Verdict.FRESH);
        assertThat(w.check(10_000, 7, 10_500)).isEqualTo(Verdict.REPLAYED);
        assertThat(w.check(10_000, 8, 10_500)).isEqualTo(Verdict.FRESH);
    }

    @Test
    void onceForgottenByTimeTheTimeCheckRefusesTheCopy() {
        ReplayWindow w = new ReplayWindow(1000, 16);
        w.check(10_000, 7, 10_000);
        assertThat(w.check(10_000, 7, 11_001)).isEqualTo(Verdict.TOO_OLD);
        assertThat(w.size()).isZero();
        assertThat(w.check(12_002, 1, 11_001)).isEqualTo(Verdict.TOO_NEW);
    }

    @Test
    void theClockNeverGoesBackSoAForgottenNonceStaysRefused() {
        ReplayWindow w = new ReplayWindow(1000, 16);
        w.check(10_000, 7, 10_000);
        w.check(11_500, 8, 11_500); // expires nonce 7
        assertThat(w.check(10_000, 7, 9_000)).as("wall clock stepped back").isEqualTo(Verdict.TOO_OLD);
        assertThat(w.now()).isEqualTo(11_500);
    }

    @Test
    void aFullMemoryRaisesTheFloorInsteadOfForgettingSilently() {
        ReplayWindow w = new ReplayWindow(1000, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(w.check(10_000 + i, i, 10_000)).isEqualTo(Verdict.FRESH);
        }
        assertThat(w.check(10_010, 99, 10_000)).isEqualTo(Verdict.FRESH);
        assertThat(w.floor()).isEqualTo(10_000);
        assertThat(w.check(10_000, 0, 10_000)).as("the forgotten eldest, replayed").isEqualTo(Verdict.FORGOTTEN);
        assertThat(w.size()).isEqualTo(4);
    }

    @Test
    void manyNoncesInAndOutKeepTheSetExact() {
        ReplayWindow w = new ReplayWindow(100, 64);
        Random r = new Random(42);
        Set<Long> seen = new HashSet<>();
        long now = 0;
        for (int i = 0; i < 20_000; i++) {
            now += r.nextInt(3);
            long nonce = r.nextInt(5_000);
            Verdict v = w.check(now, nonce, now);
            if (v == Verdict.FRESH) {
                assertThat(seen.add(now * 10_000 + nonce)).isTrue();
            }
            // a nonce accepted within the window is never accepted again
            if (v == Verdict.FRESH) {
                assertThat(w.check(now, nonce, now)).isEqualTo(Verdict.REPLAYED);
            }
        }
        assertThat(w.size()).isLessThanOrEqualTo(64);
    }
}
