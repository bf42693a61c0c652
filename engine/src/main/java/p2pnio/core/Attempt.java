package p2pnio.core;

/**
 * One try at fetching a requested file from one peer, as the download tells the request it
 * serves: how the try ended, up to the transfer header. After the header the download owns the
 * fetch and reports through {@link Events}. One of {@link #noHeader}, {@link #mismatch},
 * {@link #ended} ends the try, once; {@link #ended} may follow {@link #started} (and is then
 * harmless for a request that let go at the header). Loop thread only.
 */
public interface Attempt {

    /** How a server gave nothing at all: not one header byte. */
    enum NoHeader {
        /** The connect was refused: nothing listens on the port it announced (restarted, or gone). */
        REFUSED,
        /**
         * The connection was reset or broke before a header byte. A node whose upload slots are all
         * taken closes at once without reading the request, which the kernel turns into a reset.
         */
        BROKEN,
        /**
         * The server closed without a header byte: it has no such file (its {@code File} may have
         * answered another of our requests: a {@code File} carries no name), or it was busy.
         */
        CLOSED
    }

    /**
     * The header arrived: the download owns the fetch from now on (but for {@link #mismatch}, when
     * {@link #sha256} is known).
     */
    void started();

    /** The SHA-256 the answer announced (hex), or null for a plain answer: then nothing is checked. */
    default String sha256() {
        return null;
    }

    /** The size the answer announced, or -1 for a plain answer. */
    default long size() {
        return -1;
    }

    /** Why the content cannot be checked, when {@link #sha256} is null (for people: "plain peer"). */
    default String notVerified() {
        return "plain peer";
    }

    /**
     * What arrived is not what the answer announced (its partial file is being deleted):
     * {@code detail} names the peer and both digests. Returns null when the request goes on with
     * another peer that answered (it reports that itself), or the reason the download fails with.
     */
    default String mismatch(String detail) {
        return detail;
    }

    /**
     * The server gave no header byte ({@code detail} says how, for people). Returns null when the
     * request goes on (it waits and tries again; it reports that itself), or the reason the
     * download fails with when no time is left.
     */
    String noHeader(NoHeader how, String detail);

    /** The try failed otherwise before its header (the download reports that failure itself). */
    void ended();
}
