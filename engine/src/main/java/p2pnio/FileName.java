package p2pnio;

import p2pnio.wire.Names;

/** Checks of a file name as the protocol carries it, for callers that want to refuse a name early. */
public final class FileName {

    private FileName() {
    }

    /**
     * Why {@code name} cannot be requested from the cluster, or null if it can: an empty name,
     * one with a directory part, trailing white space (trimmed with the message's end; leading
     * white space travels), a {@code ,} (it splits the UDP message), a trailing {@code :} (eaten
     * by the header's padding), a control character, more than 255 UTF-8 bytes, or the name of a
     * partial download ({@code downloading_*}, {@code .p2p-<id>.part}, {@code .p2p-<id>.rec}).
     * {@link Command.Fetch} of such a name fails with this reason.
     */
    public static String whyNotRequestable(String name) {
        return Names.whyNotRequestable(name);
    }
}
