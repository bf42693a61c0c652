package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    private EventLoop loop;
    private Thread thread;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop(1024, System::nanoTime);
        loop.onFailure((what, e) -> failures.add(what + ": " + e.getMessage()));
        thread = new Thread(() -> {
            try {
                loop.run(() -> { });
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "test-loop");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.stop();
        thread.join(5000);
        assertThat(thread.isAlive()).isFalse();
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksRunOnTheLoopThread() throws Exception {
        assertThat(onLoop(() -> Thread.currentThread().getName())).isEqualTo("test-loop");
        assertThat(onLoop(loop::inLoop)).isTrue();
        assertThat(loop.inLoop()).isFalse();
    }

    @Test
    void touchingAChannelFromAnotherThreadIsRefused() throws Exception {
        onLoop(() -> null); // the loop thread is known once it runs
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.configureBlocking(false);
            assertThatThrownBy(() -> loop.register(server, SelectionKey.OP_ACCEPT, null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not from the loop thread");
        }
    }

    @Test
    void aTimerWakesTheSelectAtItsDeadline() throws Exception {
        CompletableFuture<Long> fired = new CompletableFuture<>();
        long start = System.nanoTime();
        loop.execute(() -> loop.schedule(TimeUnit.MILLISECONDS.toNanos(50), "t",
                () -> fired.complete(System.nanoTime())));
        long at = fired.get(5, TimeUnit.SECONDS);
        assertThat(at - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    }

    @Test
    void aHandlerThatThrowsIsToldAndTheLoopGoesOn() throws Exception {
        CompletableFuture<Exception> told = new CompletableFuture<>();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            onLoop(() -> loop.register(server, SelectionKey.OP_ACCEPT, new Handler() {
                @Override
                public void onReady(SelectionKey key) throws IOException {
                    SocketChannel c = server.accept();
                    if (c != null) {
                        c.close();
                    }
                    throw new IOException("boom");
                }

                @Override
                public void onFailure(Exception cause) {
                    told.complete(cause);
                }
            }));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                client.write(ByteBuffer.wrap(new byte[] {1}));
            }
            assertThat(told.get(5, TimeUnit.SECONDS)).hasMessage("boom");
            assertThat(onLoop(() -> "still alive")).isEqualTo("still alive");
        }
    }

    @Test
    void aFailingTaskOrTimerIsReportedAndTheLoopGoesOn() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("task broke");
        });
        loop.execute(() -> loop.schedule(0, "bad timer", () -> {
            throw new IllegalStateException("timer broke");
        }));
        assertThat(onLoop(() -> "alive")).isEqualTo("alive");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (failures.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(failures).containsExactlyInAnyOrder("task: task broke", "timer 'bad timer': timer broke");
    }

    @Test
    void aBurstOfPostsWakesTheSelectorAtMostOncePerTimeTheLoopOfferedToSleep() throws Exception {
        long sleepsBefore = onLoop(() -> loop.stats().sleeps);
        int wakeupsBefore = loop.wakeups();
        CompletableFuture<Void> last = new CompletableFuture<>();
        for (int i = 0; i < 1000; i++) {
            loop.execute(() -> { });
        }
        loop.execute(() -> last.complete(null));
        last.get(5, TimeUnit.SECONDS);
        long sleeps = onLoop(() -> loop.stats().sleeps) - sleepsBefore;
        int wakeups = loop.wakeups() - wakeupsBefore;
        // However fast or slow this machine is: a post wakes the selector only when it is the first to find the
        // loop asleep, so 1,001 posts cost at most one wake-up per sleep (the unit test of Mailbox shows the
        // burst of 500 posts to one sleeping loop costing exactly one).
        assertThat(wakeups).isLessThanOrEqualTo((int) sleeps).isLessThanOrEqualTo(1001);
        assertThat(loop.stats().tasksRun).isGreaterThanOrEqualTo(1001);
    }
}
