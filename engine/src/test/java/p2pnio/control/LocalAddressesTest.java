package p2pnio.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a node bound to a wildcard announces to a peer: its own address on the peer's network. */
class LocalAddressesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private final LocalAddresses host;

    LocalAddressesTest() throws Exception {
        host = new LocalAddresses(List.of(
                new LocalAddresses.Entry(ip("127.0.0.1"), 8, null, "lo"),
                new LocalAddresses.Entry(ip("::1"), 128, null, "lo"),
                new LocalAddresses.Entry(ip("10.1.0.5"), 16, ip("10.1.255.255"), "eth1"),
                new LocalAddresses.Entry(ip("192.0.2.2"), 24, ip("192.0.2.255"), "eth0"),
                new LocalAddresses.Entry(ip("fd00::2"), 64, null, "eth0")));
    }

    @Test
    void theAddressOnThePeersNetworkIsAnnounced() throws Exception {
        assertThat(host.sourceFor(ip("192.0.2.77"))).isEqualTo(ip("192.0.2.2"));
        assertThat(host.sourceFor(ip("10.1.9.9"))).isEqualTo(ip("10.1.0.5"));
        assertThat(host.sourceFor(ip("fd00::9"))).isEqualTo(ip("fd00::2"));
    }

    @Test
    void loopbackToALoopbackPeerAndTheFirstAddressOfTheFamilyToAStranger() throws Exception {
        assertThat(host.sourceFor(ip("127.0.0.1"))).isEqualTo(ip("127.0.0.1"));
        assertThat(host.sourceFor(ip("::1"))).isEqualTo(ip("::1"));
        assertThat(host.sourceFor(ip("203.0.113.1"))).isEqualTo(ip("10.1.0.5"));
        assertThat(new LocalAddresses(List.of()).sourceFor(ip("203.0.113.1"))).isNull();
    }

    @Test
    void broadcastAddressesAndInterfacesAreKnown() throws Exception {
        assertThat(host.isBroadcast(ip("192.0.2.255"))).isTrue();
        assertThat(host.isBroadcast(ip("192.0.2.254"))).isFalse();
        assertThat(host.sameInterface(ip("192.0.2.2"), ip("fd00::2"))).isTrue();
        assertThat(host.sameInterface(ip("192.0.2.2"), ip("10.1.0.5"))).isFalse();
        assertThat(host.sameInterface(ip("127.0.0.1"), ip("::1"))).isTrue();
    }
}
