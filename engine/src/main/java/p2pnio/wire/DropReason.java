package p2pnio.wire;

/** Why a datagram (or a part of one) was dropped; every drop is counted under one of these. */
public enum DropReason {
    /** Nothing but white space. */
    EMPTY,
    /**
     * Filled the receive buffer, so it may have been cut: larger than the largest accepted. (A
     * {@code DISCOVER} is read in part instead: {@link #DISCOVER_TRUNCATED}.)
     */
    TOO_LARGE,
    /** Not valid UTF-8. */
    NOT_UTF8,
    /** The first line holds a control character. */
    CONTROL_CHARACTER,
    /** The first field is no type the protocol knows. */
    UNKNOWN_TYPE,
    /** {@code Get} without a name. */
    GET_WITHOUT_NAME,
    /** {@code Get} for a name that cannot be a file in the folder ({@code ..}, separators only, NUL). */
    GET_BAD_NAME,
    /** {@code File} with fewer than three fields. */
    FILE_TOO_SHORT,
    /** {@code File} whose method is not a number. */
    FILE_BAD_METHOD,
    /** {@code File} whose port is not a number from 1 to 65535. */
    FILE_BAD_PORT,
    /** {@code File} with a method other than TCP (1). */
    FILE_UNSUPPORTED_METHOD,
    /** {@code File} from a peer no waiting request asked. */
    FILE_UNSOLICITED,
    /** A {@code DISCOVER} entry that is no {@code host:port} with a port from 1 to 65535. */
    DISCOVER_BAD_ENTRY,
    /** A {@code DISCOVER} entry not added because the cluster is at its size cap. */
    CLUSTER_FULL,
    /** {@code Get} over the per-peer rate limit, or while too many answers are already scheduled. */
    GET_RATE_LIMITED,
    /** The kernel's send buffer was full: an outgoing datagram was not sent. */
    SEND_BUFFER_FULL,
    /** An outgoing datagram failed to send (unreachable, unresolved). */
    SEND_FAILED,
    /**
     * {@code HELLO} with fewer than four fields, a version that is no {@code p2pnio/<n>}, an
     * instance that is no hex number, or a capability that is no token.
     */
    HELLO_MALFORMED,
    /**
     * A {@code DISCOVER} longer than the largest datagram (a reference node with a large cluster
     * sends its list in one datagram): only its first {@code maxDatagramBytes} bytes were read, as
     * the reference reads them; the entries after them are lost.
     */
    DISCOVER_TRUNCATED,
    /** The entry of a {@link #DISCOVER_TRUNCATED} datagram that the cut fell inside: dropped. */
    DISCOVER_CUT_ENTRY,
    /** A {@code DISCOVER} entry (or a peer to add) that is this node under another spelling. */
    PEER_IS_SELF,
    /** A peer address that is unspecified ({@code 0.0.0.0}, {@code [::]}): no one can be reached there. */
    PEER_UNSPECIFIED,
    /** A peer address that is a broadcast address (255.255.255.255, or a local network's). */
    PEER_BROADCAST,
    /** A peer address that is a multicast address (224.0.0.0/4, ff00::/8). */
    PEER_MULTICAST,
    /**
     * A {@code PING} or {@code ACK} with a bad version, sequence number or digest, no member, or a
     * member that is no {@code <a|s|d>/<hex>/<number>/<host:port>}.
     */
    GOSSIP_MALFORMED,
    /** An {@code ACK} that answers no {@code PING} of ours (unknown or late sequence number); still taken as a sign of life. */
    ACK_UNSOLICITED,
    /**
     * An extended {@code File} ({@code File,1,<port>,p2pnio/<n>,...}) with fewer than eight fields,
     * a capability that is no token, a size that is no 1-10 digit number, a digest that is neither
     * empty nor 64 lower-case hex digits, or a name that cannot be requested.
     */
    FILE_EXTENSION_MALFORMED,
    /** An extended {@code File} that names no file a waiting request asked that peer for. */
    FILE_UNASKED_NAME,
    /** A {@code LIST} from no peer of the cluster, or again within a second from the same peer: not answered. */
    LIST_REFUSED,
    /** A {@code LIST} with a bad version or sequence number. */
    LIST_MALFORMED,
    /**
     * A {@code FILES} with a bad version, sequence number or part numbers, or an entry that is no
     * {@code <size>/<sha256>/<name>} with a name that can be requested.
     */
    FILES_MALFORMED,
    /** A {@code FILES} that answers no {@code LIST} of ours, or one part too many from that peer. */
    FILES_UNSOLICITED,
    /** Receiving a datagram failed (an error the kernel reported on the socket); the socket is kept. */
    RECEIVE_FAILED
}
