package p2pnio;

import java.net.InetSocketAddress;
import p2pnio.wire.HostPort;

/**
 * Checks of a peer's address string, {@code host:port} (IPv6 as {@code [addr]:port}), the form
 * the protocol carries in {@code DISCOVER} lists and configuration.
 */
public final class PeerAddress {

    /** Longest address we keep: a DNS name (253) plus a port. */
    public static final int MAX_LENGTH = HostPort.MAX_LENGTH;

    private PeerAddress() {
    }

    /** Why {@code address} is not a usable {@code host:port}, or null if it is. */
    public static String whyInvalid(String address) {
        return HostPort.whyInvalid(address);
    }

    /** The host part of a valid address, without IPv6 brackets. */
    public static String host(String address) {
        return HostPort.host(address);
    }

    /** The port of a valid address. */
    public static int port(String address) {
        return HostPort.port(address);
    }

    /** True if {@code host} is a literal IPv4 or IPv6 address, which needs no DNS look-up. */
    public static boolean isLiteral(String host) {
        return HostPort.isLiteral(host);
    }

    /** The {@code host:port} form of a socket address, as the protocol writes it. */
    public static String of(InetSocketAddress a) {
        return HostPort.of(a);
    }
}
