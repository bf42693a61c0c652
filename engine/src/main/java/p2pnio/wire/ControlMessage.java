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

    /**
     * One member as the membership gossip carries it, {@code <state>/<instance>/<incarnation>/<address>}:
     * state {@code a} (alive), {@code s} (suspect) or {@code d} (dead); the instance id of the run
     * it is about ({@code 0} for a reference-style peer); the incarnation, which only the member
     * itself raises, to refute a suspicion; its address, last.
     */
    record Member(char state, String instance, int incarnation, String address) {
        public static final char ALIVE = 'a';
        public static final char SUSPECT = 's';
        public static final char DEAD = 'd';
    }

    /**
     * {@code PING,p2pnio/1,<seq>,<digest>,<member>,...\n} (extended, capability {@code members}):
     * "are you there? here is what I know (the digest) and my news"; the first member is the
     * sender itself. Answered by an {@link Ack} with the same {@code seq}.
     */
    record Ping(int seq, String digest, List<Member> members) implements ControlMessage {
        public Ping {
            members = List.copyOf(members);
        }
    }

    /**
     * {@code ACK,p2pnio/1,<seq>,<member>,...\n} (extended): "I am here"; the first member is the
     * sender itself, then its news, then the members the PING's digest lacked.
     */
    record Ack(int seq, List<Member> members) implements ControlMessage {
        public Ack {
            members = List.copyOf(members);
        }
    }
}
