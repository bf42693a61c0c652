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

    /**
     * {@code Get,<name>\n}: who has the file called {@code name}? With {@code marked}, the
     * extended form {@code Get,<name>,p2pnio/1\n}: "and I understand an extended {@code File}
     * answer" (a reference node reads field 1 and ignores the rest).
     */
    record Get(String name, boolean marked) implements ControlMessage {
        /** The plain {@code Get}, the reference's bytes. */
        public Get(String name) {
            this(name, false);
        }
    }

    /**
     * {@code File,<method>,<tcpPort>\n}: I have it, fetch it over TCP at {@code tcpPort}. With
     * {@code about} (never null for an extended answer, null for a plain one), the extended form
     * {@code File,1,<tcpPort>,p2pnio/1,<capabilities>,<size>,<sha256>,<name>\n}: the trailing
     * fields, which a reference node ignores, say which file is answered and what it is.
     */
    record FileOffer(int method, int tcpPort, Offered about) implements ControlMessage {
        /** The only method the protocol defines: TCP. */
        public static final int TCP = 1;

        /** The plain {@code File}, the reference's bytes. */
        public FileOffer(int method, int tcpPort) {
            this(method, tcpPort, null);
        }

        /** True for the extended form. */
        public boolean extended() {
            return about != null;
        }
    }

    /**
     * The trailing fields of an extended {@code File}, in their wire order: the version token, the
     * capabilities of the answering node (tokens joined by {@code +}), the size in bytes, the
     * SHA-256 of the content (64 lower-case hex digits, or empty while the file is not hashed
     * yet), and last the name answered (the base name asked for, so a {@code ,} in it could never
     * shift a field).
     */
    record Offered(String version, List<String> capabilities, long size, String sha256, String name) {
        public Offered {
            capabilities = List.copyOf(capabilities);
        }

        /** True when the answer carries a digest. */
        public boolean hashed() {
            return !sha256.isEmpty();
        }
    }

    /**
     * {@code LIST,p2pnio/1,<seq>\n} (extended, capability {@code browse}): "what do you share?".
     * Answered by one or more {@link Listing}s with the same {@code seq}.
     */
    record ListRequest(int seq) implements ControlMessage { }

    /** One shared file in a {@link Listing}: {@code <size>/<sha256>/<name>} (sha256 empty if not hashed yet). */
    record Listed(long size, String sha256, String name) { }

    /**
     * {@code FILES,p2pnio/1,<seq>,<part>,<parts>,<size>/<sha256>/<name>,...\n} (extended): part
     * {@code part} (from 1) of {@code parts} of the answer to the {@code LIST} numbered
     * {@code seq}, each part one datagram of at most 2,048 bytes. Names hold no {@code ,} (such
     * names cannot be requested, so they are never listed) and no {@code /} (base names).
     */
    record Listing(int seq, int part, int parts, List<Listed> files) implements ControlMessage {
        public Listing {
            files = List.copyOf(files);
        }
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
