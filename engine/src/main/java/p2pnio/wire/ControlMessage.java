package p2pnio.wire;

import java.util.List;

/**
 * A UDP control message: the three kinds the reference protocol has, and the extended ones that
 * only peers shown to speak {@link Extension#VERSION} are ever sent.
 *
 * <p>{@link ControlCodec} turns them into the exact bytes on the wire and back.
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

    /**
     * {@code HELLO,p2pnio/1,<instance>,<capabilities>\n} (extended): "I am a p2pnio node of this
     * version, this run of it is {@code instance} (hex, changes at every start), and I can do
     * {@code capabilities}". Fields after the fourth are ignored, so later versions may add some.
     */
    record Hello(String version, String instance, List<String> capabilities) implements ControlMessage {
        public Hello {
            capabilities = List.copyOf(capabilities);
        }
    }
}
