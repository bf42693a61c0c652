package p2pnio.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop enforces the {@link Handler} contract: a handler whose onFailure throws, or a key that
 * keeps failing, is cancelled and its channel closed by the loop, which goes on. Turns run on the
 * test thread, one at a time.
 */
class HandlerContractTest {

    private final EventLoop loop;
    private final List<String> reported = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    HandlerContractTest() throws IOException {
        loop = new EventLoop(64);
        loop.onFailure((what, e) -> reported.add(what + " failed: " + e.getMessage()));
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A listening socket with a connection waiting to be accepted: ready on every turn until accepted. */
    private ServerSocketChannel listenerWithAPendingConnection() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        open.add(server);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        open.add(SocketChannel.open(server.getLocalAddress()));
        return server;
    }

    /** Runs turns until one handles a key (the kernel may take a moment), or fails after 5 s. */
    private Turn turnThatHandles() throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Turn turn;
        do {
            turn = loop.runOnce(false);
        } while (turn.handled() == 0 && System.nanoTime() < deadline);
        return turn;
    }

    @Test
    void aHandlerWhoseOnFailureThrowsHasItsKeyCancelledAndItsChannelClosedByTheLoop() throws IOException {
        ServerSocketChannel server = listenerWithAPendingConnection();
        SelectionKey key = loop.register(server, SelectionKey.OP_ACCEPT, new Handler() {
            @Override
            public void onReady(SelectionKey k) throws IOException {
                throw new IOException("boom");
            }

            @Override
            public void onFailure(Exception cause) {
                throw new IllegalStateException("and a bug in the clean-up");
            }

            @Override
            public String toString() {
                return "the broken handler";
            }
        });
        assertThat(turnThatHandles().handled()).isEqualTo(1);
        assertThat(key.isValid()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(loop.stats().keysClosedByLoop).isEqualTo(1);
        assertThat(reported).singleElement().asString()
                .startsWith("handler the broken handler (the loop closed its channel: its onFailure threw")
                .endsWith("failed: boom");
        assertThat(loop.runOnce(false).selected()).as("nothing left to spin on").isZero();
    }

    @Test
    void aKeyThatKeepsFailingIsClosedByTheLoopAfterItsFailuresInARow() throws IOException {
        ServerSocketChannel server = listenerWithAPendingConnection();
        int[] calls = new int[1];
        SelectionKey key = loop.register(server, SelectionKey.OP_ACCEPT, new Handler() {
            @Override
            public void onReady(SelectionKey k) throws IOException {
                calls[0]++;
                throw new IOException("never accepts, fails every time");
            }

            @Override
            public void onFailure(Exception cause) {
                // keeps the channel (and does nothing about the readiness): a bug that would spin the loop
            }
        });
        turnThatHandles();
        for (int i = 0; i < 3 * EventLoop.FAILURES_IN_A_ROW; i++) {
            loop.runOnce(false);
        }
        assertThat(calls[0]).isEqualTo(EventLoop.FAILURES_IN_A_ROW);
        assertThat(key.isValid()).isFalse();
        assertThat(server.isOpen()).isFalse();
        assertThat(loop.stats().handlerFailures).isEqualTo(EventLoop.FAILURES_IN_A_ROW);
        assertThat(reported).singleElement().asString()
                .contains("it failed " + EventLoop.FAILURES_IN_A_ROW + " turns in a row");
    }

    @Test
    void aKeptKeyThatFailsNowAndThenButAlsoWorksIsNeverClosed() throws IOException {
        DatagramChannel udp = DatagramChannel.open();
        open.add(udp);
        udp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        udp.configureBlocking(false);
        int[] calls = new int[1];
        SelectionKey key = loop.register(udp, SelectionKey.OP_READ, new Handler() {
            @Override
            public void onReady(SelectionKey k) throws IOException {
                udp.receive(ByteBuffer.allocate(16)); // one datagram per turn
                if (++calls[0] % 4 != 0) {
                    throw new IOException("a bad datagram");
                }
            }

            @Override
            public void onFailure(Exception cause) {
                // one bad datagram: keep the socket
            }
        });
        try (DatagramChannel peer = DatagramChannel.open()) {
            for (int i = 0; i < 4 * EventLoop.FAILURES_IN_A_ROW; i++) {
                peer.send(ByteBuffer.wrap(new byte[] {(byte) i}), udp.getLocalAddress());
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (calls[0] < 4 * EventLoop.FAILURES_IN_A_ROW && System.nanoTime() < deadline) {
            loop.runOnce(false);
        }
        assertThat(calls[0]).isEqualTo(4 * EventLoop.FAILURES_IN_A_ROW);
        assertThat(loop.stats().handlerFailures).isEqualTo(3L * EventLoop.FAILURES_IN_A_ROW);
        assertThat(key.isValid()).isTrue();
        assertThat(loop.stats().keysClosedByLoop).isZero();
        assertThat(reported).isEmpty();
    }
}
