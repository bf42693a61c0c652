package p2pnio.control;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import p2pnio.wire.HostPort;

/**
 * How a literal address ({@code 10.0.0.7:1378}, {@code [::1]:1378}) becomes what a peer record keeps:
 * its address string and its endpoint. A node parses it ({@link #PARSED}: no DNS, a literal only
 * needs parsing). The membership simulation, whose thousands of nodes each list every other, hands
 * out the one string and endpoint of each simulated node instead of N copies of each: the same
 * values, shared, so that its heap holds N endpoints rather than N².
 */
public interface Endpoints {

    /** A parsed literal address: the string to keep (equal to the one given) and its endpoint. */
    record Literal(String address, InetSocketAddress endpoint) { }

    /** Parses with the JDK: the string given, and a new endpoint. */
    Endpoints PARSED = (address, host) ->
            new Literal(address, new InetSocketAddress(InetAddress.getByName(host), HostPort.port(address)));

    /**
     * The literal {@code address}, whose host part (brackets removed) is {@code host}.
     *
     * @throws UnknownHostException if it looks literal but is no address, e.g. {@code [g::1]:80}
     */
    Literal literal(String address, String host) throws UnknownHostException;
}
