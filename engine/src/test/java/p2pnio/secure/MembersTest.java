package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class MembersTest {

    static Fingerprint f(int n) {
        byte[] b = new byte[Fingerprint.BYTES];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        return Fingerprint.of(b, 0);
    }

    static InetSocketAddress at(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void anEndpointIsKnownByTheFingerprintItsLastSealedDatagramCarried() {
        Members m = new Members();
        assertThat(m.at(at(1))).isNull();
        m.heard(at(1), f(1));
        assertThat(m.at(at(1))).isEqualTo(f(1));
        assertThat(m.isMember(f(1))).isTrue();
        m.heard(at(1), f(2)); // a new identity at the same endpoint (the node was given another file)
        assertThat(m.at(at(1))).isEqualTo(f(2));
        assertThat(m.isMember(f(1))).as("no endpoint carries it any more").isFalse();
        assertThat(m.isMember(f(2))).isTrue();
    }

    @Test
    void theLeastRecentlyHeardIsForgottenBeyondTheBound() {
        Members m = new Members();
        for (int i = 0; i <= Members.MAX; i++) {
            m.heard(at(i + 1), f(i));
        }
        assertThat(m.size()).isEqualTo(Members.MAX);
        assertThat(m.isMember(f(0))).isFalse();
        assertThat(m.isMember(f(Members.MAX))).isTrue();
    }
}
