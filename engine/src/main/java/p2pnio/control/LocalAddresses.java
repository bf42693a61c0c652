package p2pnio.control;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import p2pnio.core.Context;

/**
 * This host's addresses, read once at start: to recognise our own endpoint under any of its
 * spellings, to know the broadcast addresses of its networks, and to choose the address a node
 * bound to a wildcard announces to a given peer (the one on the peer's network).
 */
public final class LocalAddresses {

    /** One address of an interface, with its network prefix and broadcast address (IPv4). */
    public record Entry(InetAddress address, int prefixLength, InetAddress broadcast, String interfaceName) { }

    private final List<Entry> entries;
    private final Set<InetAddress> all = new HashSet<>();

    public LocalAddresses(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : entries) {
            all.add(e.address());
        }
    }

    /**
     * Reads every interface of this host; if the host will not say, an empty list (without it we
     * still recognise our exact bound address and loopback), the failure counted and traced.
     */
    public static LocalAddresses ofThisHost(Context ctx) {
        try {
            return new LocalAddresses(read());
        } catch (SocketException e) {
            ctx.quiet("listing this host's addresses", e);
            return new LocalAddresses(List.of());
        }
    }

    /** Every address of every interface of this host, as the host tells it now. */
    public static List<Entry> read() throws SocketException {
        List<Entry> entries = new ArrayList<>();
        var interfaces = NetworkInterface.getNetworkInterfaces();
        while (interfaces != null && interfaces.hasMoreElements()) {
            NetworkInterface ni = interfaces.nextElement();
            for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                if (ia.getAddress() != null) {
                    entries.add(new Entry(ia.getAddress(), ia.getNetworkPrefixLength(), ia.getBroadcast(), ni.getName()));
                }
            }
        }
        return entries;
    }

    /** Every address of every interface. */
    public List<Entry> entries() {
        return entries;
    }

    /** True if {@code a} is an address of this host (loopback included). */
    public boolean isLocal(InetAddress a) {
        return a.isLoopbackAddress() || all.contains(a);
    }

    /** True if {@code a} and {@code b} are addresses of one interface of this host. */
    public boolean sameInterface(InetAddress a, InetAddress b) {
        if (a.isLoopbackAddress() && b.isLoopbackAddress()) {
            return true;
        }
        String ia = interfaceOf(a);
        return ia != null && ia.equals(interfaceOf(b));
    }

    private String interfaceOf(InetAddress a) {
        for (Entry e : entries) {
            if (e.address().equals(a)) {
                return e.interfaceName();
            }
        }
        return null;
    }

    /** True if {@code a} is the broadcast address of one of this host's IPv4 networks. */
    public boolean isBroadcast(InetAddress a) {
        for (Entry e : entries) {
            if (a.equals(e.broadcast())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The address of this host that a datagram to {@code to} most likely leaves from: loopback for a
     * loopback peer, else the address on the peer's network, else the first non-loopback address
     * of the same family; null if there is none.
     */
    public InetAddress sourceFor(InetAddress to) {
        boolean v4 = to instanceof Inet4Address;
        if (to.isLoopbackAddress()) {
            return v4 ? InetAddress.getLoopbackAddress() : loopback6();
        }
        InetAddress fallback = null;
        for (Entry e : entries) {
            InetAddress a = e.address();
            if ((a instanceof Inet4Address) != v4 || a.isLoopbackAddress() || a.isLinkLocalAddress()) {
                continue;
            }
            if (samePrefix(a, to, e.prefixLength())) {
                return a;
            }
            if (fallback == null) {
                fallback = a;
            }
        }
        return fallback;
    }

    private static InetAddress loopback6() {
        byte[] one = new byte[16];
        one[15] = 1;
        try {
            return InetAddress.getByAddress(one); // ::1, a literal: no look-up
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean samePrefix(InetAddress a, InetAddress b, int prefix) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length || prefix <= 0) {
            return false;
        }
        for (int bit = 0; bit < Math.min(prefix, x.length * 8); bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
