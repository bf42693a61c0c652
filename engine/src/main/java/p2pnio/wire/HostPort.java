package p2pnio.wire;

/**
 * A peer's address string, {@code host:port} (IPv6 as {@code [addr]:port}), the form the
 * protocol carries in {@code DISCOVER} lists and configuration: its checks and its parts.
 * {@code p2pnio.PeerAddress} offers the same to users of the engine.
 */
public final class HostPort {

    /** Longest address we keep: a DNS name (253) plus a port. */
    public static final int MAX_LENGTH = 261;

    private HostPort() {
    }

    /** Why {@code address} is not a usable {@code host:port}, or null if it is. */
    public static String whyInvalid(String address) {
        if (address == null || address.isEmpty()) {
            return "is empty";
        }
        if (address.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c <= ' ' || c == ',' || c == 0x7f) {
                return "holds a space, a comma or a control character";
            }
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return "has no port (expected host:port)";
        }
        String host = address.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            return "has an IPv6 host without brackets (expected [addr]:port)";
        }
        String port = address.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return "has a port that is not a number";
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return "has a port out of range (1 to 65535)";
        }
        return null;
    }

    /** The host part of a valid address, without IPv6 brackets. */
    public static String host(String address) {
        String host = address.substring(0, address.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port of a valid address. */
    public static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** True if {@code host} is a literal IPv4 or IPv6 address, which needs no DNS look-up. */
    public static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        // four dot-separated parts of 1 to 3 digits, each at most 255: a walk of the characters, no
        // split (the membership code asks this for every address it has not seen before)
        int parts = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i <= host.length(); i++) {
            char ch = i < host.length() ? host.charAt(i) : '.';
            if (ch == '.') {
                if (digits == 0 || value > 255 || ++parts > 4) {
                    return false;
                }
                digits = 0;
                value = 0;
            } else if (ch >= '0' && ch <= '9' && ++digits <= 3) {
                value = value * 10 + (ch - '0');
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    /** The {@code host:port} form of a socket address, as the protocol writes it. */
    public static String of(java.net.InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
