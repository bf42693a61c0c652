package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MailboxTest {

    @Test
    void aBurstOfTasksCostsOneWakeup() {
        AtomicInteger wakeups = new AtomicInteger();
        Mailbox box = new Mailbox(1000, wakeups::incrementAndGet);
        assertThat(box.beforeSleep()).isTrue(); // the loop goes to sleep
        for (int i = 0; i < 500; i++) {
            assertThat(box.offer(() -> { })).isTrue();
        }
        assertThat(wakeups.get()).isEqualTo(1);
        assertThat(box.wakeups()).isEqualTo(1);
        box.afterSleep();
        int ran = 0;
        while (box.poll() != null) {
            ran++;
        }
        assertThat(ran).isEqualTo(500);
    }

    @Test
    void noWakeupWhileTheLoopIsAwake() {
        AtomicInteger wakeups = new AtomicInteger();
        Mailbox box = new Mailbox(1000, wakeups::incrementAndGet);
        box.offer(() -> { });
        box.offer(() -> { });
        assertThat(wakeups.get()).isZero();
        assertThat(box.beforeSleep()).as("tasks are waiting: the loop must not block").isFalse();
    }

    @Test
    void refusesBeyondCapacityButForcedTasksAlwaysGetIn() {
        Mailbox box = new Mailbox(3, () -> { });
        assertThat(box.offer(() -> { })).isTrue();
        assertThat(box.offer(() -> { })).isTrue();
        assertThat(box.offer(() -> { })).isTrue();
        assertThat(box.offer(() -> { })).isFalse();
        assertThat(box.depth()).isEqualTo(3);
        box.force(() -> { });
        assertThat(box.depth()).isEqualTo(4);
    }

    @Test
    void manyProducersLoseNothing() throws Exception {
        Mailbox box = new Mailbox(1_000_000, () -> { });
        AtomicInteger sum = new AtomicInteger();
        int producers = 4;
        int each = 50_000;
        CountDownLatch done = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    while (!box.offer(sum::incrementAndGet)) {
                        Thread.onSpinWait();
                    }
                }
                done.countDown();
            }).start();
        }
        int ran = 0;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (ran < producers * each) {
            Runnable task = box.poll();
            if (task != null) {
                task.run();
                ran++;
            } else if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + ran + " of " + producers * each + " tasks arrived within 30 s");
            }
        }
        done.await();
        assertThat(sum.get()).isEqualTo(producers * each);
        assertThat(box.poll()).isNull();
    }

    @Test
    void closingHandsBackWhatIsQueuedAndRefusesEveryLaterTask() {
        Mailbox box = new Mailbox(10, () -> { });
        Runnable a = () -> { };
        Runnable b = () -> { };
        box.offer(a);
        box.force(b);
        java.util.List<Runnable> handedBack = new java.util.ArrayList<>();
        assertThat(box.close(handedBack::add)).isEqualTo(2);
        assertThat(handedBack).containsExactly(a, b);
        assertThat(box.offer(() -> { })).isFalse();
        assertThat(box.force(() -> { })).isFalse();
        assertThat(box.depth()).isZero();
    }

    @Test
    void aTaskOfferedWhileTheMailboxClosesIsEitherHandedBackOrRefusedNeverLost() throws Exception {
        // The race is a few instructions wide: close often, with producers offering as fast as they can.
        for (int round = 0; round < 300; round++) {
            Mailbox box = new Mailbox(1_000_000, () -> { });
            AtomicInteger accepted = new AtomicInteger();
            Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++) {
                producers[p] = new Thread(() -> {
                    while (box.offer(() -> { })) {
                        accepted.incrementAndGet();
                    }
                });
                producers[p].start();
            }
            while (accepted.get() < 100) {
                Thread.onSpinWait();
            }
            AtomicInteger handedBack = new AtomicInteger();
            box.close(t -> handedBack.incrementAndGet());
            for (Thread t : producers) {
                t.join(10_000);
                assertThat(t.isAlive()).as("a producer saw the mailbox closed").isFalse();
            }
            int left = 0;
            while (box.poll() != null) {
                left++;
            }
            assertThat(left).as("round %d: tasks accepted after the close and never handed back", round).isZero();
            assertThat(handedBack.get()).as("round %d", round).isEqualTo(accepted.get());
        }
    }
}
