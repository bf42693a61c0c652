package p2pnio.wire;

/** Why a datagram (or a part of one) was dropped; every drop is counted under one of these. */
public enum DropReason {
    /** Nothing but white space. */
    EMPTY,
    /** Filled the receive buffer, so it may have been cut: larger than the largest accepted. */
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
    /** Receiving a datagram failed (an error the kernel reported on the socket); the socket is kept. */
    RECEIVE_FAILED
}
