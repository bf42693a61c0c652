package p2pnio;

import p2pnio.core.Escape;

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
 * <p>The command line sends every line it prints through {@link #text}, and so does the trace;
 * a JSON writer escapes exactly the characters {@link #isControl} names.
 */
public final class Visible {

    private Visible() {
    }

    /**
     * {@code s} with every control character replaced by its escape; the same string when it
     * holds none (nothing is allocated then).
     */
    public static String text(CharSequence s) {
        return Escape.text(s);
    }

    /** True if {@code codePoint} is a control character in the sense of this class. */
    public static boolean isControl(int codePoint) {
        return Escape.isControl(codePoint);
    }
}
