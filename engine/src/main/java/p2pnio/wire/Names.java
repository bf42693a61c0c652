package p2pnio.wire;

import java.util.regex.Pattern;

/**
 * The rules for file names: which can travel in the protocol, and how a requested name becomes a
 * base name that cannot leave the shared folder.
 */
public final class Names {

    /** Longest name we request or serve, in UTF-8 bytes: a file name's limit on common file systems. */
    public static final int MAX_NAME_BYTES = 255;
    /**
     * Prefix of a reference-style client's download in progress ({@code downloading_<name>}, see
     * PROTOCOL.md section 4): such files are never served nor asked for.
     */
    public static final String REFERENCE_PARTIAL_PREFIX = "downloading_";
    /** Prefix of our own partial downloads and their records ({@code p2pnio.share.PartialFile}). */
    public static final String PARTIAL_PREFIX = ".p2p-";
    /** Hex digits of a partial download's random id. */
    public static final int PARTIAL_ID_HEX = 16;
    /** Suffix of a partial download's bytes: {@code .p2p-<16 hex>.part}. */
    public static final String PARTIAL_SUFFIX = ".part";
    /** The digest cache at the top of a shared folder ({@code p2pnio.share.Digests}): never served. */
    public static final String DIGEST_CACHE = ".p2p-digests";
    /** The digest cache while it is written. */
    public static final String DIGEST_CACHE_TMP = ".p2p-digests.tmp";
    /** Suffix of a partial download's record: {@code .p2p-<16 hex>.rec}. */
    public static final String RECORD_SUFFIX = ".rec";
    private static final Pattern OUR_PARTIAL = Pattern.compile(
            Pattern.quote(PARTIAL_PREFIX) + "[0-9a-f]{" + PARTIAL_ID_HEX + "}("
            + Pattern.quote(PARTIAL_SUFFIX) + "|" + Pattern.quote(RECORD_SUFFIX) + ")");

    private Names() {
    }

    /** True if {@code fileName} is one of our partial downloads or its record. */
    public static boolean isOurPartialFile(String fileName) {
        return OUR_PARTIAL.matcher(fileName).matches();
    }

    /**
     * True if {@code fileName} is a download in progress, ours or a reference-style client's, or
     * our digest cache: never served, never asked for.
     */
    public static boolean isPartialFile(String fileName) {
        return fileName.startsWith(REFERENCE_PARTIAL_PREFIX) || isOurPartialFile(fileName)
                || fileName.equals(DIGEST_CACHE) || fileName.equals(DIGEST_CACHE_TMP);
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
     * trailing {@code :} (eaten by the header's padding) cannot travel; a partial download's name
     * ({@link #isPartialFile}) names a file that no node serves.
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
        if (isPartialFile(name)) {
            return "'" + REFERENCE_PARTIAL_PREFIX + "*', '" + PARTIAL_PREFIX + "<id>" + PARTIAL_SUFFIX + "' and '"
                    + PARTIAL_PREFIX + "<id>" + RECORD_SUFFIX + "' are partial downloads, which no node serves";
        }
        return null;
    }
}
