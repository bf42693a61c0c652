package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** The pinning, in memory: two engines hand each other their records until both are done or one fails. */
class TlsTest {

    static final NodeIdentity SERVER = NodeIdentity.generate();
    static final NodeIdentity CLIENT = NodeIdentity.generate();
    static final NodeIdentity STRANGER = NodeIdentity.generate();
    static final java.net.InetSocketAddress ADDR = new java.net.InetSocketAddress("127.0.0.1", 1);

    /** Runs the handshake; returns null when both sides finished, else the first failure. */
    static SSLException handshake(SSLEngine client, SSLEngine server) throws Exception {
        ByteBuffer c2s = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        ByteBuffer s2c = ByteBuffer.allocate(server.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(client.getSession().getApplicationBufferSize() + 64);
        ByteBuffer none = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 200; i++) {
            try {
                step(client, none, c2s, s2c, app);
                step(server, none, s2c, c2s, app);
            } catch (SSLException e) {
                return e;
            }
            if (done(client) && done(server) && c2s.position() == 0 && s2c.position() == 0) {
                return null;
            }
        }
        throw new AssertionError("the handshake did not finish");
    }

    static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    static void step(SSLEngine e, ByteBuffer none, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        switch (e.getHandshakeStatus()) {
            case NEED_WRAP -> e.wrap(none, out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                e.unwrap(in, app);
                in.compact();
            }
            case NEED_TASK -> {
                Runnable t;
                while ((t = e.getDelegatedTask()) != null) {
                    t.run();
                }
            }
            default -> {
                in.flip();
                if (in.hasRemaining()) {
                    e.unwrap(in, app);
                }
                in.compact();
            }
        }
    }

    @Test
    void membersWithTheAnnouncedFingerprintsShakeHands() throws Exception {
        Tls server = new Tls(SERVER, Set.of(CLIENT.fingerprint())::contains);
        Tls client = new Tls(CLIENT, f -> false);
        SSLEngine c = client.client(SERVER.fingerprint(), ADDR);
        SSLEngine s = server.server();
        assertThat(handshake(c, s)).isNull();
        assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(Tls.peer(c.getSession())).isEqualTo(SERVER.fingerprint());
        assertThat(Tls.peer(s.getSession())).isEqualTo(CLIENT.fingerprint());
    }

    @Test
    void theDownloaderRefusesAServerThatIsNotTheAnnouncedOne() throws Exception {
        Tls attacker = new Tls(STRANGER, f -> true);
        Tls client = new Tls(CLIENT, f -> false);
        SSLException e = handshake(client.client(SERVER.fingerprint(), ADDR), attacker.server());
        assertThat(e).isNotNull();
        assertThat(e.getMessage() + e.getCause()).contains(STRANGER.fingerprint().hex());
    }

    @Test
    void theServerRefusesAClientThatIsNoMember() throws Exception {
        Tls server = new Tls(SERVER, Set.of(CLIENT.fingerprint())::contains);
        Tls stranger = new Tls(STRANGER, f -> false);
        assertThat(handshake(stranger.client(SERVER.fingerprint(), ADDR), server.server())).isNotNull();
    }
}
