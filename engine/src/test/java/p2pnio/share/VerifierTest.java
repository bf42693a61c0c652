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
}
