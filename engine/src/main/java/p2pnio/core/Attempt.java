package p2pnio.core;

/**
 * One try at fetching a requested file from one peer, as the download tells the request it
 * serves: how the try ended, up to the transfer header. After the header the download owns the
 * fetch and reports through {@link Events}. Exactly one method is called, once. Loop thread only.
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

    /** The header arrived: the download owns the fetch from now on. */
    void started();

    /**
     * The server gave no header byte ({@code detail} says how, for people). Returns null when the
     * request goes on (it waits and tries again; it reports that itself), or the reason the
     * download fails with when no time is left.
     */
    String noHeader(NoHeader how, String detail);

    /** The try failed otherwise before its header (the download reports that failure itself). */
    void ended();
}
