package p2pnio.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import p2pnio.NodeConfig;
import p2pnio.PeerAddress;

/**
 * A node's settings merged from their four sources, highest first: the command line option, the
 * environment ({@code P2P_HOST}, {@code P2P_PORT}, {@code P2P_FOLDER}, {@code P2P_CLUSTER},
 * {@code P2P_PERIOD}, {@code P2P_WAITING}, {@code P2P_DELAY}, {@code P2P_MAX_UPLOAD_RATE},
 * {@code P2P_MAX_DOWNLOAD_RATE}), config.yml, then the defaults.
 *
 * <p>Every value is checked here; a bad one throws a {@link UsageError} that names the setting and
 * its source ({@code --port}, {@code P2P_PORT} or {@code port in configs/config.yml}).
 * {@link #folder()} and {@link #cluster()} are null when no source gives them, so the shell can
 * ask for them.
 */
public final class Settings {

    /** Default shared folder when nothing else gives one. */
    public static final Path DEFAULT_FOLDER = Path.of("shared");

    private final String host;
    private final int port;
    private final Path folder;
    private final List<String> cluster;
    private final Duration period;
    private final Duration waiting;
    private final Duration delay;
    private final long maxUploadRate;
    private final long maxDownloadRate;
    private final String configSource;

    private Settings(String host, int port, Path folder, List<String> cluster, Duration period, Duration waiting,
                     Duration delay, long maxUploadRate, long maxDownloadRate, String configSource) {
        this.host = host;
        this.port = port;
        this.folder = folder;
        this.cluster = cluster;
        this.period = period;
        this.waiting = waiting;
        this.delay = delay;
        this.maxUploadRate = maxUploadRate;
        this.maxDownloadRate = maxDownloadRate;
        this.configSource = configSource;
    }

    /**
     * Merges the sources.
     *
     * @param options     what the command line gave
     * @param env         the environment (System.getenv() in production)
     * @param workDir     where config.yml is looked for and relative folders start
     * @param defaultPort the port when no source gives one (1378, or 0 for a one-shot {@code get})
     */
    public static Settings resolve(NodeOptions options, Map<String, String> env, Path workDir, int defaultPort) {
        ConfigFile file = ConfigFile.find(options.config, workDir);
        Sources s = new Sources(env, file);

        Value host = s.pick(options.host, "--host", "P2P_HOST", "host");
        if (host != null && host.text.isBlank()) {
            throw host.bad("must not be empty");
        }

        Value port = s.pick(options.port, "--port", "P2P_PORT", "port");
        int portNumber = port == null ? defaultPort : port.intIn(0, 65535);

        Value folder = s.pick(options.folder, "--folder", "P2P_FOLDER", "folder");
        if (folder != null && folder.text.isBlank()) {
            throw folder.bad("must not be empty");
        }

        List<String> cluster = null;
        if (!options.peers.isEmpty()) {
            cluster = peers(options.peers, "--peer");
        } else {
            Value c = s.pick(null, null, "P2P_CLUSTER", "cluster");
            if (c != null) {
                cluster = peers(List.of(c.text.split(",", -1)), c.source);
            }
        }

        Duration period = seconds(s.pick(options.period, "--period", "P2P_PERIOD", "period"), false, Duration.ofSeconds(20));
        Duration waiting = seconds(s.pick(options.waiting, "--waiting", "P2P_WAITING", "waiting"), false, Duration.ofSeconds(100));
        Duration delay = seconds(s.pick(options.delay, "--delay", "P2P_DELAY", "delay"), true, Duration.ofSeconds(10));
        long up = rate(s.pick(options.maxUploadRate, "--max-upload-rate", "P2P_MAX_UPLOAD_RATE", "max-upload-rate"));
        long down = rate(s.pick(options.maxDownloadRate, "--max-download-rate", "P2P_MAX_DOWNLOAD_RATE",
                "max-download-rate"));

        return new Settings(host == null ? "127.0.0.1" : host.text.strip(), portNumber,
                folder == null ? null : workDir.resolve(folder.text.strip()).normalize(), cluster,
                period, waiting, delay, up, down, file == null ? null : file.path().toString());
    }

    private static List<String> peers(List<String> raw, String source) {
        List<String> out = new ArrayList<>();
        for (String p : raw) {
            String peer = p.strip();
            if (peer.isEmpty() && !source.equals("--peer")) {
                continue;
            }
            String why = PeerAddress.whyInvalid(peer);
            if (why != null) {
                throw new UsageError(source + ": peer '" + peer + "' " + why);
            }
            if (!out.contains(peer)) {
                out.add(peer);
            }
        }
        return out;
    }

    private static long rate(Value v) {
        return v == null ? 0 : ByteRate.parse(v.text, v.source);
    }

    private static Duration seconds(Value v, boolean zeroAllowed, Duration fallback) {
        if (v == null) {
            return fallback;
        }
        BigDecimal s;
        try {
            s = new BigDecimal(v.text.strip());
        } catch (NumberFormatException e) {
            throw v.bad("is not a number of seconds");
        }
        if (s.signum() < 0 || (!zeroAllowed && s.signum() == 0)) {
            throw v.bad(zeroAllowed ? "must not be negative" : "must be more than 0 seconds");
        }
        if (s.compareTo(BigDecimal.valueOf(86_400L * 365)) > 0) {
            throw v.bad("is more than a year");
        }
        return Duration.ofNanos(s.movePointRight(9).longValue());
    }

    /** Where one value came from and its text. */
    private record Value(String text, String source) {
        UsageError bad(String why) {
            return new UsageError(source + ": '" + text + "' " + why);
        }

        int intIn(int min, int max) {
            int n;
            try {
                n = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw bad("is not a whole number");
            }
            if (n < min || n > max) {
                throw bad("is out of range (" + min + " to " + max + ")");
            }
            return n;
        }
    }

    /** The environment and the file, asked in order of precedence. */
    private record Sources(Map<String, String> env, ConfigFile file) {
        Value pick(String option, String optionName, String envName, String key) {
            if (option != null) {
                return new Value(option, optionName);
            }
            String e = env.get(envName);
            if (e != null) {
                return new Value(e, envName);
            }
            String f = file == null ? null : file.get(key);
            if (f != null) {
                return new Value(f, key + " in " + file.path());
            }
            return null;
        }
    }

    /** Host both endpoints bind to. */
    public String host() { return host; }
    /** UDP control port (0: any free port). */
    public int port() { return port; }
    /** The shared folder, or null if no source names one. */
    public Path folder() { return folder; }
    /** The initial peers, or null if no source names any (an empty list means "none, on purpose"). */
    public List<String> cluster() { return cluster; }
    /** Time between discovery rounds. */
    public Duration period() { return period; }
    /** How long a request waits for an answer. */
    public Duration waiting() { return waiting; }
    /** The non-priority answer delay. */
    public Duration delay() { return delay; }
    /** Most bytes per second all uploads send together; 0 for unlimited. */
    public long maxUploadRate() { return maxUploadRate; }
    /** Most bytes per second all downloads receive together; 0 for unlimited. */
    public long maxDownloadRate() { return maxDownloadRate; }
    /** The config.yml that was read, or null. */
    public String configSource() { return configSource; }

    /**
     * The node configuration for these settings with {@code folder} and {@code cluster} filled in.
     *
     * @throws UsageError if the engine refuses a value (the folder does not exist, ...)
     */
    public NodeConfig toConfig(Path folder, List<String> cluster) {
        try {
            return NodeConfig.builder().host(host).port(port).folder(folder).cluster(cluster)
                    .period(period).waiting(waiting).delay(delay)
                    .maxUploadRate(maxUploadRate).maxDownloadRate(maxDownloadRate).build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * The configuration for a headless mode: the folder defaults to {@code ./shared} under
     * {@code workDir} and must exist; the cluster defaults to none.
     */
    public NodeConfig headless(Path workDir) {
        Path f = folder != null ? folder : workDir.resolve(DEFAULT_FOLDER);
        if (!java.nio.file.Files.isDirectory(f)) {
            throw new UsageError("folder: '" + f + "' is not an existing directory"
                    + (folder == null ? " (give --folder DIR, P2P_FOLDER or folder in config.yml)" : ""));
        }
        return toConfig(f, cluster == null ? List.of() : cluster);
    }
}
