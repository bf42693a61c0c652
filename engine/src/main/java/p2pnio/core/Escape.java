package p2pnio.core;

/**
 * Text made safe to show on a terminal or to write in a log: every control character is
 * replaced by a visible escape, so that a string a peer sent (a file name in a header, a
 * {@code DISCOVER} entry, a reason) can never move the cursor, clear the screen, change the
 * window title or the colours, or forge a line of output.
 *
 * <p>Control characters are: C0 ({@code U+0000..U+001F}, tab and newline included), DEL
 * ({@code U+007F}), C1 ({@code U+0080..U+009F}, which some terminals obey like {@code ESC [}),
 * the bidirectional marks, embeddings, overrides and isolates ({@code U+061C}, {@code U+200E},
 * {@code U+200F}, {@code U+202A..U+202E}, {@code U+2066..U+2069}, which can make a name read
 * backwards) and the line and paragraph separators ({@code U+2028}, {@code U+2029}). One below
 * {@code U+0100} becomes {@code \xNN} (ESC is {@code \x1b}), any other {@code \u202e} and the like.
 * Everything else, other scripts and emoji included, is kept as it is.
 *
 * <p>The trace prints every line through {@link #text}. {@code p2pnio.Visible} offers the same to
 * users of the engine (the command line sends every line it prints through it).
 */
public final class Escape {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Escape() {
    }

    /**
     * {@code s} with every control character replaced by its escape; the same string when it
     * holds none (nothing is allocated then).
     */
    public static String text(CharSequence s) {
        int n = s.length();
        int i = 0;
        while (i < n && !isControl(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return s.toString();
        }
        StringBuilder out = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (!isControl(c)) {
                out.append(c);
            } else if (c < 0x100) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /** True if {@code codePoint} is a control character in the sense of this class. */
    public static boolean isControl(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) {
            return true;
        }
        return codePoint == 0x061c || codePoint == 0x200e || codePoint == 0x200f
                || (codePoint >= 0x202a && codePoint <= 0x202e)
                || (codePoint >= 0x2066 && codePoint <= 0x2069)
                || codePoint == 0x2028 || codePoint == 0x2029;
    }
}
