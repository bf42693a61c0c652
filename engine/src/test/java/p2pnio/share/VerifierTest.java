package p2pnio.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p2pnio.loop.EventLoop;

/**
 * The verify thread's hash of a partial file, written in pieces as a download writes it: the
 * SHA-256 of the whole content in both ways (as it arrives, after the last byte), for any size,
 * including one the thread has not caught up with at the last byte; and the hand-off from the
 * loop once per MiB written, not once per write.
 */
class VerifierTest {

    @TempDir
    Path tmp;

    private final ExecutorService verify = Executors.newSingleThreadExecutor();
    private EventLoop loop;
    private Thread loopThread;

    @AfterEach
    void stop() throws Exception {
        verify.shutdownNow();
        if (loop != null) {
            loop.stop();
            loopThread.join(5000);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theDigestIsThatOfEveryByteWrittenInEitherWay(boolean whileReceiving) throws Exception {
        byte[] content = content(20_000_000 + 123); // more than two of the thread's 8 MiB turns
        assertThat(verify(content, verify, whileReceiving)).isEqualTo(sha256(content));
    }

    @Test
    void whileReceivingTheLoopWakesTheThreadOncePerMebibyteNotOncePerWrite() throws Exception {
        byte[] content = content(20_000_000 + 123); // 306 writes of 64 KiB, 19 whole MiB
        AtomicInteger jobs = new AtomicInteger();
        // Runs each job at once on the writing thread: an idle verify thread at every write, the
        // case where waking it per write would cost one hand-off per socket read.
        Executor idleThread = job -> {
            jobs.incrementAndGet();
            job.run();
        };
        assertThat(verify(content, idleThread, true)).isEqualTo(sha256(content));
        // at most one wake-up per MiB written, one more run per MiB it found waiting, and the finish
        assertThat(jobs.get()).isBetween(2, 2 * (content.length >> 20) + 1);
    }

    /** Writes {@code content} to a partial file in 64 KiB pieces, telling a verifier; its digest. */
    private String verify(byte[] content, Executor thread, boolean whileReceiving) throws Exception {
        loop = new EventLoop(1024, System::nanoTime);
        loopThread = new Thread(() -> {
            try {
                loop.run(() -> { });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "test loop");
        loopThread.start();
        Path part = tmp.resolve("x.part");
        Verifier v = new Verifier(part, loop, thread, whileReceiving, e -> { });
        CompletableFuture<String> result = new CompletableFuture<>();
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int written = 0;
            while (written < content.length) {
                int n = Math.min(65_536, content.length - written);
                out.write(ByteBuffer.wrap(content, written, n));
                written += n;
                v.written(written); // (the loop's thread in a node; any single thread here)
            }
        }
        v.finish(content.length, (actual, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(actual);
            }
        });
        String actual = result.get(30, TimeUnit.SECONDS);
        assertThat(Files.size(part)).isEqualTo(content.length);
        return actual;
    }

    private static byte[] content(int size) {
        byte[] content = new byte[size];
        new Random(7).nextBytes(content);
        return content;
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(Digests.sha256().digest(content));
    }

    @org.junit.jupiter.api.Test
    void makingAVerifierOnTheLoopAllocatesNoReadBuffer() throws Exception {
        // A verifier is made on the loop for each download: its 1 MiB read buffer belongs to the verify thread.
        EventLoop idle = new EventLoop(16, System::nanoTime); // never runs: a verifier only keeps it
        Path part = Files.write(tmp.resolve("y.part"), new byte[] {1, 2, 3});
        new Verifier(part, idle, verify, true, e -> { }); // warm: classes loaded
        long before = allocatedByThisThread();
        for (int i = 0; i < 100; i++) {
            new Verifier(part, idle, verify, true, e -> { });
        }
        long perVerifier = (allocatedByThisThread() - before) / 100;
        assertThat(perVerifier).as("bytes allocated per verifier made").isLessThan(4096);
    }

    /** Bytes this thread allocated so far (HotSpot's count, through JMX: the engine's module does not read jdk.management). */
    private static long allocatedByThisThread() throws Exception {
        return (Long) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("java.lang:type=Threading"), "getThreadAllocatedBytes",
                new Object[] {Thread.currentThread().getId()}, new String[] {"long"});
    }
}
