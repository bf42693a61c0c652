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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p2pnio.loop.EventLoop;

/**
 * The verify thread's hash of a partial file, written in pieces as a download writes it: the
 * SHA-256 of the whole content in both ways (as it arrives, after the last byte), for any size,
 * including one the thread has not caught up with at the last byte.
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
        byte[] content = new byte[20_000_000 + 123]; // more than two of the thread's 8 MiB turns
        new Random(7).nextBytes(content);
        String expected = HexFormat.of().formatHex(Digests.sha256().digest(content));
        Verifier v = new Verifier(part, loop, verify, whileReceiving, e -> { });
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
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
        assertThat(Files.size(part)).isEqualTo(content.length);
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
