package p2pnio.wire;

/**
 * The rules for file names: which can travel in the protocol, and how a requested name becomes a
 * base name that cannot leave the shared folder.
 */
public final class Names {

    /** Longest name we request or serve, in UTF-8 bytes: a file name's limit on common file systems. */
    public static final int MAX_NAME_BYTES = 255;
    /** Prefix of a download still in progress. */
    public static final String PARTIAL_PREFIX = "downloading_";

    private Names() {
    }

    /**
     * The base name of {@code name}: what follows its last {@code /} or {@code \}. The reference
     * node takes Go's {@code filepath.Base}; we also cut at backslashes, so {@code ..\x} is
     * {@code x} on every platform.
     */
    public static String baseName(String name) {
        int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(cut + 1);
    }

    /**
     * Why {@code baseName} cannot name a file in a shared folder, or null if it can: empty,
     * {@code .} or {@code ..}, a control character (NUL, newline), or too long.
     */
    public static String whyNotServable(String baseName) {
        if (baseName.isEmpty()) {
            return "the name is empty";
        }
        if (baseName.equals(".") || baseName.equals("..")) {
            return "'" + baseName + "' is not a file name";
        }
        for (int i = 0; i < baseName.length(); i++) {
            if (Character.isISOControl(baseName.charAt(i))) {
                return "the name holds a control character";
            }
        }
        if (ControlCodec.utf8Length(baseName) > MAX_NAME_BYTES) {
            return "the name is longer than " + MAX_NAME_BYTES + " bytes";
        }
        return null;
    }

    /**
     * Why {@code name} cannot be requested from the cluster, or null if it can. Beyond
     * {@link #whyNotServable}: a name with a directory part, trailing white space (a receiver trims
     * the whole message's ends, as the reference node does; leading white space survives, because
     * the name is not the message's first field), a {@code ,} (it splits the UDP message), or a
     * trailing {@code :} (eaten by the header's padding) cannot travel; a name starting with
     * {@code downloading_} is a reference-style client's partial download, which no node serves.
     */
    public static String whyNotRequestable(String name) {
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "the name has a directory part; ask for the file's base name";
        }
        String why = whyNotServable(name);
        if (why != null) {
            return why;
        }
        if (!name.stripTrailing().equals(name)) {
            return "the name ends with white space, which the protocol trims";
        }
        if (name.indexOf(',') >= 0) {
            return "the name holds ',', which splits the protocol's messages";
        }
        if (name.endsWith(":")) {
            return "the name ends with ':', which the transfer header's padding eats";
        }
        if (name.startsWith(PARTIAL_PREFIX)) {
            return "names starting with '" + PARTIAL_PREFIX + "' are reserved for partial downloads";
        }
        return null;
    }
}
