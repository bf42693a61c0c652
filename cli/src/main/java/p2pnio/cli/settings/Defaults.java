package p2pnio.cli.settings;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ListResourceBundle;
import p2pnio.NodeConfig;

/**
 * The defaults of the node's settings, read from the engine ({@link NodeConfig#builder()}) rather
 * than restated: what {@link Settings} falls back to and what the help shows. Only the shared
 * folder's default ({@code ./shared}) belongs to the command line itself.
 *
 * <p>It is also the resource bundle of the commands (its keys start with {@code default.}, so
 * that picocli never takes one for an option's description), and option descriptions say
 * {@code ${bundle:default.period}} and picocli fills in the engine's value.
 */
public final class Defaults extends ListResourceBundle {

    /** The shared folder of {@code serve} and {@code get} when no source names one; the shell offers it. */
    public static final Path FOLDER = Path.of("shared");

    /** The address both endpoints bind to. */
    public static String host() {
        return NodeConfig.builder().host();
    }

    /** The UDP control port. */
    public static int port() {
        return NodeConfig.builder().port();
    }

    /** Time between discovery rounds. */
    public static Duration period() {
        return NodeConfig.builder().period();
    }

    /** How long a request waits for an answer. */
    public static Duration waiting() {
        return NodeConfig.builder().waiting();
    }

    /** The delay before answering a peer that is not a priority responder. */
    public static Duration delay() {
        return NodeConfig.builder().delay();
    }

    /** Peers gossiped with per discovery round. */
    public static Duration gather() {
        return NodeConfig.builder().gather();
    }

    public static int fanout() {
        return NodeConfig.builder().fanout();
    }

    /** Periods without a sign of life before a peer is suspect. */
    public static int suspectAfter() {
        return NodeConfig.builder().suspectAfter();
    }

    /** Periods a peer stays suspect before it is removed, or shown down if configured. */
    public static int removeAfter() {
        return NodeConfig.builder().removeAfter();
    }

    /** Most bytes per second all uploads send together; 0 for unlimited. */
    public static long maxUploadRate() {
        return NodeConfig.builder().maxUploadRate();
    }

    /** Most bytes per second all downloads receive together; 0 for unlimited. */
    public static long maxDownloadRate() {
        return NodeConfig.builder().maxDownloadRate();
    }

    /** A duration in seconds as a person writes it in an option: {@code 20}, {@code 0.5}. */
    public static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
    }

    @Override
    protected Object[][] getContents() {
        return new Object[][] {
                {"default.host", host()},
                {"default.port", String.valueOf(port())},
                {"default.period", seconds(period())},
                {"default.waiting", seconds(waiting())},
                {"default.delay", seconds(delay())},
                {"default.gather", seconds(gather())},
                {"default.fanout", String.valueOf(fanout())},
                {"default.suspectAfter", String.valueOf(suspectAfter())},
                {"default.removeAfter", String.valueOf(removeAfter())},
                {"default.maxUploadRate", String.valueOf(maxUploadRate())},
                {"default.maxDownloadRate", String.valueOf(maxDownloadRate())},
                {"default.folder", "./" + FOLDER},
        };
    }
}
