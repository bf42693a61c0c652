package p2pnio.wire;

import java.nio.charset.StandardCharsets;

/**
 * Ranged transfers (capability {@code range}, issue #12): the request line that asks for bytes
 * {@code [offset, offset + length)} of a file, and the one-line header that answers it.
 *
 * <pre>
 * request   Get,&lt;name&gt;,p2pnio/1,&lt;offset&gt;,&lt;length&gt;\n
 * accepted  RANGE,p2pnio/1,&lt;offset&gt;,&lt;length&gt;,&lt;total&gt;\n   then exactly &lt;length&gt; body bytes
 * refused   REFUSED,p2pnio/1,&lt;total or -&gt;,&lt;reason&gt;\n      then the server closes
 * </pre>
 *
 * <p>The request keeps the reference's first two fields ({@code Get} and the name), so a
 * reference server would read it as a plain {@code Get,<name>} and send the whole file with its
 * 74-byte header: that is why only a peer that advertised {@code range} is ever sent one, and why
 * the answer starts with a word ({@code RANGE}) that no 74-byte header can start with (SIZE is
 * digits). {@code Get,<name>,p2pnio/1} without the two numbers is a plain request. Pure: no I/O.
 * docs/protocol.md ("Ranges") shows the bytes.
 *
 * @param offset the first byte asked for
 * @param length how many bytes, at least 1
 */
public record Range(long offset, long length) {

    /** The capability token a server announces when it answers ranged requests. */
    public static final String CAPABILITY = "range";
    /** The first field of an accepting answer. */
    public static final String ANSWER = "RANGE";
    /** The first field of a refusal. */
    public static final String REFUSED = "REFUSED";
    /** Longest answer line, its newline included: both words, the version, three 19-digit numbers. */
    public static final int MAX_ANSWER_BYTES = 96;
    /** Most digits an offset or a length may have (the 10-digit SIZE of the plain header, with room). */
    private static final int MAX_DIGITS = 18;

    /** Why a ranged request was refused; its token is the refusal's last field. */
    public enum Refusal {
        /** The range fields are not two decimal numbers, or the length is 0. */
        MALFORMED("malformed"),
        /** No servable file of that name in the shared folder. */
        MISSING("missing"),
        /** The range does not lie inside the file ({@code offset + length > total}). */
        OUTSIDE("outside");

        private final String token;

        Refusal(String token) {
            this.token = token;
        }

        /** The reason as the refusal line spells it. */
        public String token() {
            return token;
        }

        /** The refusal spelt {@code token}, or null. */
        public static Refusal of(String token) {
            for (Refusal r : values()) {
                if (r.token.equals(token)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** What a request line asks for beyond its name. */
    public sealed interface Ask permits Whole, Ranged, Malformed { }

    /** A plain request: the whole file with the 74-byte header, as the reference serves it. */
    public record Whole() implements Ask { }

    /** A ranged request. */
    public record Ranged(Range range) implements Ask { }

    /** A ranged request (it carries our version token) whose range fields are no range. */
    public record Malformed(String why) implements Ask { }

    private static final Whole WHOLE = new Whole();

    public Range {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("no range: offset " + offset + ", length " + length);
        }
    }

    /** One past the last byte. */
    public long end() {
        return offset + length;
    }

    /** True if the range lies inside a file of {@code total} bytes. */
    public boolean fits(long total) {
        return end() <= total;
    }

    /**
     * Reads what a transfer request line (already known to be a {@code Get} with a name) asks for:
     * fields 3 to 5 are {@code p2pnio/<n>,<offset>,<length>} for a range; anything else after the
     * name is what the reference ignores.
     */
    public static Ask ask(String line) {
        String[] f = line.split(",", 6);
        if (f.length < 3 || !Extension.isVersion(f[2])) {
            return WHOLE;
        }
        if (f.length < 5) {
            return WHOLE; // the version marker alone: a plain request from one of ours
        }
        long offset = number(f[3]);
        long length = number(f[4]);
        if (offset < 0 || length < 0) {
            return new Malformed("offset and length must be decimal numbers of at most " + MAX_DIGITS + " digits");
        }
        if (length == 0) {
            return new Malformed("length 0");
        }
        return new Ranged(new Range(offset, length));
    }

    /** The request line for {@code range} of {@code name}. */
    public static String request(String name, Range range) {
        return "Get," + name + "," + Extension.VERSION + "," + range.offset + "," + range.length + "\n";
    }

    /** The accepting answer's bytes for {@code range} of a file of {@code total} bytes. */
    public static byte[] accepted(Range range, long total) {
        return (ANSWER + "," + Extension.VERSION + "," + range.offset + "," + range.length + "," + total + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The refusal's bytes; {@code total} is -1 when the file is unknown (sent as {@code -}). */
    public static byte[] refused(long total, Refusal why) {
        return (REFUSED + "," + Extension.VERSION + "," + (total < 0 ? "-" : Long.toString(total)) + ","
                + why.token + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * An answer line as a client reads it (without its newline).
     *
     * @param range   the range the server sends, null if it refused
     * @param total   the file's size, -1 if the server did not say
     * @param refusal why it refused, null if it accepted (or gave a reason we do not know)
     */
    public record Answer(Range range, long total, Refusal refusal) {

        /** True if the server will send the range. */
        public boolean accepted() {
            return range != null;
        }

        /**
         * Reads an answer line; null if it is neither a well-formed {@code RANGE} nor a
         * {@code REFUSED} line (a server that does not speak ranges sends a 74-byte header).
         */
        public static Answer parse(String line) {
            String[] f = line.split(",", -1);
            if (f.length >= 5 && f[0].equals(ANSWER) && Extension.isVersion(f[1])) {
                long offset = number(f[2]);
                long length = number(f[3]);
                long total = number(f[4]);
                if (offset < 0 || length < 1 || total < 0 || offset + length > total) {
                    return null;
                }
                return new Answer(new Range(offset, length), total, null);
            }
            if (f.length >= 4 && f[0].equals(REFUSED) && Extension.isVersion(f[1])) {
                long total = f[2].equals("-") ? -1 : number(f[2]);
                if (total < 0 && !f[2].equals("-")) {
                    return null;
                }
                return new Answer(null, total, Refusal.of(f[3]));
            }
            return null;
        }
    }

    /** A decimal number of 1 to 18 digits, or -1. */
    private static long number(String s) {
        return Extension.decimal(s, MAX_DIGITS);
    }

    @Override
    public String toString() {
        return offset + "+" + length;
    }
}
