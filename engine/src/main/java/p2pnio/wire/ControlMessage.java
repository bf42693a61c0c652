package p2pnio.wire;

import java.util.List;

/**
 * A UDP control message: the three kinds the protocol has.
 *
 * <p>{@link ControlCodec} turns them into the exact bytes the reference node sends and back.
 */
public sealed interface ControlMessage {

    /** {@code DISCOVER,<addr>,<addr>,...\n}: the peers the sender knows (never the sender itself). */
    record Discover(List<String> peers) implements ControlMessage {
        public Discover {
            peers = List.copyOf(peers);
        }
    }

    /** {@code Get,<name>\n}: who has the file called {@code name}? */
    record Get(String name) implements ControlMessage { }

    /** {@code File,<method>,<tcpPort>\n}: I have it, fetch it over TCP at {@code tcpPort}. */
    record FileOffer(int method, int tcpPort) implements ControlMessage {
        /** The only method the protocol defines: TCP. */
        public static final int TCP = 1;
    }
}
