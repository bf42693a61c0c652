package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.control.ControlChannel;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.share.SharedFolder;
import p2pnio.transfer.Transfers;
import p2pnio.wire.DropReason;

/** The handlers that keep their channel after a failure: how they make sure they do not fail on every turn. */
class FailingChannelsTest {

    @TempDir
    Path tmp;
    private final AtomicLong time = new AtomicLong(1_000_000_000L);
    private final List<NodeEvent> events = new CopyOnWriteArrayList<>();

    private Context context() throws IOException {
        EventLoop loop = new EventLoop(64, time::get);
        return new Context(loop, NodeConfig.builder().folder(tmp).build().settings(),
                new SharedFolder(tmp, loop, Runnable::run), new Trace(new PrintStream(PrintStream.nullOutputStream()), 10),
                new Emitter(events::add), new p2pnio.loop.OffLoop(loop, Runnable::run));
    }

    @Test
    void aReceiveErrorOfTheUdpSocketIsCountedUnderItsOwnReasonAndTheSocketIsKept() throws IOException {
        Context ctx = context();
        ControlChannel control = new ControlChannel(ctx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            control.onFailure(new java.net.PortUnreachableException("ICMP port unreachable"));
            assertThat(ctx.counters.dropped(DropReason.RECEIVE_FAILED)).isEqualTo(1);
            assertThat(ctx.counters.dropped(DropReason.SEND_FAILED)).isZero();
            assertThat(control.localAddress()).as("still bound").isNotNull();
        } finally {
            control.close();
        }
    }

    @Test
    void afterAFailedAcceptTheListenerPausesInsteadOfFailingOnEveryTurnThenAcceptsAgain() throws IOException {
        Context ctx = context();
        Transfers transfers = new Transfers(ctx, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (SocketChannel client = SocketChannel.open()) {
            transfers.start();
            transfers.onFailure(new IOException("Too many open files"));
            assertThat(events).singleElement().asString().contains("accept failed").contains("accepting again in 100 ms");
            client.connect(transfers.localAddress());
            for (int i = 0; i < 5; i++) {
                assertThat(ctx.loop.runOnce(false).selected()).as("paused: the waiting connection is not reported").isZero();
            }
            time.addAndGet(Duration.ofMillis(100).toNanos());
            ctx.loop.runOnce(false); // the timer gives the listener its interest back
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ctx.counters.uploadsOpen == 0 && System.nanoTime() < deadline) {
                ctx.loop.runOnce(false);
            }
            assertThat(ctx.counters.uploadsOpen).as("accepted after the pause").isEqualTo(1);
        } finally {
            transfers.closeAll("test over");
        }
    }
}
