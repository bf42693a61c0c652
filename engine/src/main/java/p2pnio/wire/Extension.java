package p2pnio.wire;

import java.util.List;

/**
 * The p2pnio protocol extension: its version token, our capabilities, and the checks of the
 * fields every extended message shares.
 *
 * <p>A peer is <em>reference-style</em> until it has shown it speaks the extension: it listed its
 * own address in a {@code DISCOVER} it sent (self-announcement: a reference node never lists
 * itself), or it sent any extended message ({@code HELLO}, a message of a new type, an extended
 * {@code Get}/{@code File}). Only such a peer is ever sent an extended message; a reference-style
 * peer receives the reference's bytes exactly. docs/protocol.md ("Extensions (p2pnio/1)") lists
 * every extended message and field with its bytes.
 */
public final class Extension {

    /** The version token of this extension; an incompatible successor would be {@code p2pnio/2}. */
    public static final String VERSION = "p2pnio/1";
    /** What every version token starts with. */
    public static final String VERSION_PREFIX = "p2pnio/";
    /**
     * Capabilities this node announces in its {@code HELLO}, joined by {@code +} on the wire. Each
     * extension that a peer must know of before it is used adds its token here.
     */
    public static final List<String> CAPABILITIES = List.of(Extension.MEMBERS, Extension.SHA256, Extension.BROWSE,
            Range.CAPABILITY);
    /** The capability of the membership gossip (issue #13), announced only in the {@code GOSSIP} membership mode. */
    public static final String MEMBERS = "members";
    /** Capability of the extended {@code File} answer (name, size, SHA-256): issue 11. */
    public static final String SHA256 = "sha256";
    /** Capability of browsing ({@code LIST} and {@code FILES}): issue 11. */
    public static final String BROWSE = "browse";
    /** Most capability tokens a peer may announce. */
    public static final int MAX_CAPABILITIES = 32;
    /** Longest capability token. */
    public static final int MAX_TOKEN = 32;
    /** Longest instance id: 16 hex digits, a 64-bit number. */
    public static final int MAX_INSTANCE = 16;

    private Extension() {
    }

    /** True if {@code version} is a version token of this extension ({@code p2pnio/<n>}). */
    public static boolean isVersion(String version) {
        if (!version.startsWith(VERSION_PREFIX) || version.length() == VERSION_PREFIX.length()
                || version.length() > VERSION_PREFIX.length() + 9) {
            return false;
        }
        return digits(version.substring(VERSION_PREFIX.length()));
    }

    /** True if {@code token} is a capability token: 1 to 32 of {@code a-z 0-9 -}. */
    public static boolean isToken(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code id} is an instance id: 1 to 16 lower-case hex digits. */
    public static boolean isInstance(String id) {
        if (id.isEmpty() || id.length() > MAX_INSTANCE) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** The wire form of an instance id. */
    public static String instance(long id) {
        return Long.toHexString(id);
    }

    /** {@code s} as a decimal number of 1 to {@code maxDigits} digits, no sign; -1 if it is none. */
    static long decimal(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
