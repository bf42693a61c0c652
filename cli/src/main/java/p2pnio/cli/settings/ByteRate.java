package p2pnio.cli.settings;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rates as a person writes them, for {@code --max-upload-rate}, {@code --max-download-rate}, their
 * environment variables and config.yml keys, and the shell's {@code rate} command: bytes per
 * second as a number with an optional suffix {@code k}, {@code M} or {@code G} (binary: 1024,
 * 1024², 1024³, as curl's {@code --limit-rate} and as the shell prints sizes; either case), which
 * may be followed by {@code B}/{@code iB} and {@code /s}: {@code 500k}, {@code 1.5M},
 * {@code 20MiB/s}, {@code 1048576}. {@code 0} (or {@code off}, {@code unlimited}) means no limit.
 */
public final class ByteRate {

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgG]?)(?:i?B)?(?:/s)?");
    /** The largest rate accepted: 1 TiB/s, far above anything a node moves. */
    private static final long MAX = 1L << 40;

    private ByteRate() {
    }

    /**
     * Bytes per second for {@code text}; 0 for unlimited.
     *
     * @param source the setting and where it came from, for the message ({@code --max-upload-rate},
     *               {@code P2P_MAX_UPLOAD_RATE}, {@code max-upload-rate in config.yml}, {@code rate})
     * @throws UsageError naming {@code source} if the text is not such a rate
     */
    public static long parse(String text, String source) {
        String t = text.strip();
        if (t.equalsIgnoreCase("off") || t.equalsIgnoreCase("unlimited")) {
            return 0;
        }
        Matcher m = RATE.matcher(t);
        if (!m.matches()) {
            throw new UsageError(source + ": '" + text + "' is not a rate in bytes per second"
                    + " (a number with an optional k, M or G: 500k, 1.5M, 20M; 0 for unlimited)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.compareTo(BigDecimal.valueOf(MAX)) > 0) {
            throw new UsageError(source + ": '" + text + "' is more than 1 TiB per second");
        }
        long rate = bytes.longValue();
        if (rate == 0 && bytes.signum() > 0) {
            throw new UsageError(source + ": '" + text + "' is less than 1 byte per second (0 means unlimited)");
        }
        return rate;
    }
}
