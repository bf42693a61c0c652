package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.share.SharedFolder;

/** Context.closeQuietly: the one way the engine closes what it no longer needs without throwing. */
class QuietCloseTest {

    @TempDir
    Path tmp;

    @Test
    void aFailedQuietCloseIsCountedAndTracedNeverThrown() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventLoop loop = new EventLoop(16, System::nanoTime);
        Trace trace = new Trace(new PrintStream(out, true, StandardCharsets.UTF_8), 1000);
        Context ctx = new Context(loop, NodeConfig.builder().folder(tmp).build().settings(),
                new SharedFolder(tmp, loop, Runnable::run), trace, new Emitter(event -> { }),
                new p2pnio.loop.OffLoop(loop, Runnable::run));
        trace.set(true);
        ctx.closeQuietly(() -> { }, "a quiet resource");
        ctx.closeQuietly(() -> {
            throw new IOException("disk gone");
        }, "upload#7 file");
        ctx.closeQuietly(null, "nothing");
        trace.close();
        assertThat(ctx.counters.quietErrors).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("close a quiet resource")
                .contains("close upload#7 file")
                .contains("quiet error: upload#7 file: close failed: java.io.IOException: disk gone");
    }
}
