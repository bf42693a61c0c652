package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsWire} over real loopback sockets, driven the way the loop would drive it (one thread, a
 * selector, the step it asks for), against the JDK's own blocking TLS sockets on the other side.
 */
class TlsWireTest {

    static final NodeIdentity SERVER = NodeIdentity.generate();
    static final NodeIdentity CLIENT = NodeIdentity.generate();
    static final NodeIdentity STRANGER = NodeIdentity.generate();
    static final long DEADLINE_MS = 20_000;

    final Selector selector;
    SocketChannel channel;

    TlsWireTest() throws IOException {
        selector = Selector.open();
    }

    @AfterEach
    void close() throws IOException {
        selector.close();
        if (channel != null) {
            channel.close();
        }
    }

    /** A JDK TLS server presenting {@code identity}, accepting {@code members}, that runs {@code serve} on one connection. */
    static CompletableFuture<Void> jdkServer(ServerSocket[] bound, NodeIdentity identity, Set<Fingerprint> members,
                                             ServeScript serve) throws IOException {
        SSLServerSocket s = (SSLServerSocket) Tls.context(identity, members::contains).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        s.setNeedClientAuth(true);
        s.setEnabledProtocols(new String[] {Tls.PROTOCOL});
        bound[0] = s;
        return CompletableFuture.runAsync(() -> {
            try (s; SSLSocket c = (SSLSocket) s.accept()) {
                c.setSoTimeout((int) DEADLINE_MS);
                serve.run(c, c.getInputStream(), c.getOutputStream());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    interface ServeScript {
        void run(Socket s, InputStream in, OutputStream out) throws IOException;
    }

    TlsWire connect(int port, Fingerprint expected) throws IOException {
        channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.configureBlocking(false);
        Tls tls = new Tls(CLIENT, f -> false);
        return new TlsWire(tls.client(expected, new InetSocketAddress("127.0.0.1", port)), channel);
    }

    /** Drives the handshake as a state machine would: wait for what it asks, run tasks, until done. */
    void handshake(TlsWire w) throws IOException {
        long end = System.currentTimeMillis() + DEADLINE_MS;
        while (System.currentTimeMillis() < end) {
            switch (w.handshake()) {
                case DONE -> {
                    return;
                }
                case NEEDS_TASK -> {
                    Runnable t;
                    while ((t = w.takeTask()) != null) {
                        t.run();
                    }
                }
                case NEEDS_READ -> waitFor(SelectionKey.OP_READ);
                case NEEDS_WRITE -> waitFor(SelectionKey.OP_WRITE);
            }
        }
        throw new AssertionError("the handshake did not end within " + DEADLINE_MS + " ms");
    }

    void waitFor(int op) throws IOException {
        channel.register(selector, op);
        selector.select(1000);
        selector.selectedKeys().clear();
    }

    /** Reads everything until the peer closes. */
    byte[] readAll(TlsWire w) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long end = System.currentTimeMillis() + DEADLINE_MS;
        while (System.currentTimeMillis() < end) {
            int n = w.read(buf);
            if (n < 0) {
                return all.toByteArray();
            }
            if (n > 0) {
                all.write(buf.array(), 0, buf.position());
                buf.clear();
            } else {
                waitFor(SelectionKey.OP_READ);
            }
        }
        throw new AssertionError("the peer did not close");
    }

    /**
     * A record holds at most 16 KiB: one write takes several records' worth of plaintext (one system
     * call for them all: the 16 records of an upload's 256 KiB chunk), and one read gives back every record already in the socket, not one per
     * call (a call per record was a write, a read and a trip through select per 16 KiB).
     */
    @Test
    void oneWriteSendsSeveralRecordsAndOneReadGivesBackEveryRecordAlreadyHere() throws Exception {
        byte[] up = new byte[256 * 1024];
        byte[] down = new byte[64 * 1024];
        new Random(11).nextBytes(up);
        new Random(12).nextBytes(down);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        ServerSocket[] bound = new ServerSocket[1];
        CompletableFuture<Void> server = jdkServer(bound, SERVER, Set.of(CLIENT.fingerprint()), (s, in, out) -> {
            assertThat(in.readNBytes(up.length)).isEqualTo(up);
            out.write(down);
            out.flush();
            sent.complete(null);
            s.close();
        });
        TlsWire w = connect(bound[0].getLocalPort(), SERVER.fingerprint());
        handshake(w);

        ByteBuffer src = ByteBuffer.wrap(up);
        int first = w.write(src);
        // An upload's 256 KiB chunk in one write: its 16 full records (16,367 bytes each in JDK 17).
        assertThat(first).as("plaintext taken by one write").isGreaterThan(15 * 16_367);
        while (src.hasRemaining() || !w.flush()) {
            if (w.write(src) == 0) {
                waitFor(SelectionKey.OP_WRITE);
            }
        }

        sent.get(DEADLINE_MS, TimeUnit.MILLISECONDS); // on loopback the 64 KiB are in our socket now
        ByteBuffer dst = ByteBuffer.allocate(256 * 1024);
        int n = 0;
        for (long end = System.currentTimeMillis() + DEADLINE_MS; n == 0 && System.currentTimeMillis() < end; ) {
            n = w.read(dst); // 0 only while the session tickets were all that had come
            if (n == 0) {
                waitFor(SelectionKey.OP_READ);
            }
        }
        // Several records at once, not one per call. Not always all four and a bit: what one read
        // takes depends on the input buffer's room (session tickets may share it), and make test
        // once saw 65,468 bytes, four full records of 16,367, before the last 68 (load 8).
        assertThat(n).as("plaintext given by one read").isGreaterThan(3 * 16_367 - 1);
        while (dst.position() < down.length) {
            if (w.read(dst) == 0) {
                waitFor(SelectionKey.OP_READ);
            }
        }
        dst.flip();
        byte[] got = new byte[dst.remaining()];
        dst.get(got);
        assertThat(got).isEqualTo(down);
        assertThat(readAll(w)).isEmpty(); // then close_notify
        w.close();
        server.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aMemberReadsAMebibyteFromTheAnnouncedServerAndWritesBack() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        ServerSocket[] bound = new ServerSocket[1];
        CompletableFuture<Void> server = jdkServer(bound, SERVER, Set.of(CLIENT.fingerprint()), (s, in, out) -> {
            byte[] hello = in.readNBytes(6);
            assertThat(new String(hello, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Get,a\n");
            out.write(data);
            out.flush();
            s.close(); // close_notify, then the end of the connection
        });
        TlsWire w = connect(bound[0].getLocalPort(), SERVER.fingerprint());
        handshake(w);
        assertThat(Tls.peer(w.engine().getSession())).isEqualTo(SERVER.fingerprint());
        assertThat(w.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        ByteBuffer request = ByteBuffer.wrap("Get,a\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (request.hasRemaining()) {
            if (w.write(request) == 0) {
                waitFor(SelectionKey.OP_WRITE);
            }
        }
        while (!w.flush()) {
            waitFor(SelectionKey.OP_WRITE);
        }
        assertThat(readAll(w)).isEqualTo(data);
        w.close(); // our close_notify answers theirs: the JDK server's close() waits for it
        assertThat(w.pending()).isFalse();
        server.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aServerThatIsNotTheAnnouncedOneFailsTheHandshakeNamingItsFingerprint() throws Exception {
        ServerSocket[] bound = new ServerSocket[1];
        CompletableFuture<Void> impostor = jdkServer(bound, STRANGER, Set.of(CLIENT.fingerprint()),
                (s, in, out) -> in.read());
        TlsWire w = connect(bound[0].getLocalPort(), SERVER.fingerprint());
        assertThatThrownBy(() -> handshake(w)).isInstanceOf(SSLException.class)
                .satisfies(e -> assertThat(e.getMessage() + e.getCause()).contains(STRANGER.fingerprint().hex()));
        assertThatThrownBy(() -> impostor.get(DEADLINE_MS, TimeUnit.MILLISECONDS))
                .as("the impostor learns the handshake failed").hasCauseInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void aServerThatRefusesUsAsNoMemberEndsTheHandshake() throws Exception {
        ServerSocket[] bound = new ServerSocket[1];
        CompletableFuture<Void> server = jdkServer(bound, SERVER, Set.of(STRANGER.fingerprint()), (s, in, out) -> in.read());
        TlsWire w = connect(bound[0].getLocalPort(), SERVER.fingerprint());
        assertThatThrownBy(() -> {
            handshake(w);
            readAll(w); // TLS 1.3: the client may finish before the server judges its certificate
        }).isInstanceOfAny(SSLException.class, java.io.EOFException.class);
        assertThatThrownBy(() -> server.get(DEADLINE_MS, TimeUnit.MILLISECONDS)).hasMessageContaining("not one this node");
    }

    @Test
    void bytesThatAreNoTlsFailTheHandshakeAtOnceInsteadOfWaiting() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket c = plain.accept()) {
                    c.getOutputStream().write("33::::::::a.txt".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    c.getInputStream().read();
                } catch (IOException e) {
                    // the client hung up on the garbage: what is expected
                }
            });
            TlsWire w = connect(plain.getLocalPort(), SERVER.fingerprint());
            assertThatThrownBy(() -> handshake(w)).isInstanceOf(SSLException.class);
            channel.close();
            server.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void aPeerThatHangsUpMidHandshakeIsAnEndNotAWait() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket c = plain.accept()) {
                    c.getInputStream().read(); // takes the ClientHello's first byte, then hangs up
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TlsWire w = connect(plain.getLocalPort(), SERVER.fingerprint());
            assertThatThrownBy(() -> handshake(w)).isInstanceOfAny(SSLException.class, java.io.EOFException.class,
                    IOException.class);
            server.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** A JDK TLS client with {@code identity}, pinned to {@code server}, that reads all the server sends. */
    static CompletableFuture<byte[]> jdkClient(int port, NodeIdentity identity, Fingerprint server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket c = (SSLSocket) Tls.context(identity, server::equals).getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), port)) {
                c.setEnabledProtocols(new String[] {Tls.PROTOCOL});
                c.setSoTimeout((int) DEADLINE_MS);
                return c.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    TlsWire accept(java.nio.channels.ServerSocketChannel listener, Set<Fingerprint> members) throws IOException {
        channel = listener.accept();
        channel.configureBlocking(false);
        return new TlsWire(new Tls(SERVER, members::contains).server(), channel);
    }

    @Test
    void asTheServerItSendsAMemberEveryByteThroughPartialWrites() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(11).nextBytes(data);
        try (var listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<byte[]> client = jdkClient(listener.socket().getLocalPort(), CLIENT, SERVER.fingerprint());
            TlsWire w = accept(listener, Set.of(CLIENT.fingerprint()));
            handshake(w);
            assertThat(Tls.peer(w.engine().getSession())).isEqualTo(CLIENT.fingerprint());
            ByteBuffer src = ByteBuffer.wrap(data);
            while (src.hasRemaining() || w.pending()) {
                if ((src.hasRemaining() ? w.write(src) : 0) == 0 && !w.flush()) {
                    waitFor(SelectionKey.OP_WRITE);
                }
            }
            w.close();
            while (w.pending() && !w.flush()) {
                waitFor(SelectionKey.OP_WRITE);
            }
            channel.close();
            assertThat(client.get(DEADLINE_MS, TimeUnit.MILLISECONDS)).isEqualTo(data);
        }
    }

    @Test
    void asTheServerItRefusesAClientThatIsNoMember() throws Exception {
        try (var listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<byte[]> stranger = jdkClient(listener.socket().getLocalPort(), STRANGER, SERVER.fingerprint());
            TlsWire w = accept(listener, Set.of(CLIENT.fingerprint()));
            assertThatThrownBy(() -> handshake(w)).isInstanceOf(SSLException.class)
                    .satisfies(e -> assertThat(e.getMessage() + e.getCause()).contains(STRANGER.fingerprint().hex()));
            channel.close();
            assertThatThrownBy(() -> stranger.get(DEADLINE_MS, TimeUnit.MILLISECONDS)).as("the stranger reads nothing")
                    .hasCauseInstanceOf(java.io.UncheckedIOException.class);
        }
    }
}
