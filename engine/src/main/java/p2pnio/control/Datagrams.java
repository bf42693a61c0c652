package p2pnio.control;

import java.net.InetSocketAddress;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;

/**
 * Where the control side sends its datagrams and counts what it drops: the UDP socket
 * ({@link ControlChannel}) in a node, an in-memory network in the membership simulation. The one
 * seam between the membership code and the network, so that the simulation runs the same code.
 */
public interface Datagrams {

    /** Sends pre-encoded bytes to {@code to}; {@code what} is for the trace. Never blocks. */
    void send(InetSocketAddress to, byte[] bytes, Object what);

    /** Sends {@code message} to {@code to}. */
    default void send(InetSocketAddress to, ControlMessage message) {
        send(to, ControlCodec.encode(message), message);
    }

    /** Counts a drop (and traces it). */
    void drop(DropReason reason, InetSocketAddress from, String detail);

    /**
     * The most bytes a message may have so that its datagram fits in {@link ControlCodec#MAX_DATAGRAM}:
     * all of it in plain mode, less the seal's envelope in secure mode.
     */
    default int room() {
        return ControlCodec.MAX_DATAGRAM;
    }
}
