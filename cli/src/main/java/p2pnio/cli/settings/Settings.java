package p2pnio.cli.settings;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import p2pnio.NodeConfig;
import p2pnio.PeerAddress;
import p2pnio.SecureCluster;

/**
 * A node's settings merged from their four sources, highest first: the command line option, the
 * environment ({@code P2P_HOST}, {@code P2P_PORT}, {@code P2P_FOLDER}, {@code P2P_CLUSTER},
 * {@code P2P_PERIOD}, {@code P2P_WAITING}, {@code P2P_DELAY}, {@code P2P_FANOUT}, {@code P2P_SUSPECT_AFTER},
 * {@code P2P_REMOVE_AFTER}, {@code P2P_SECRET_FILE}, {@code P2P_IDENTITY_FILE}), config.yml, then the engine's defaults ({@link Defaults}, read from
 * {@link NodeConfig#builder()}, never restated here).
 *
 * <p>Every value is checked here; a bad one throws a {@link UsageError} that names the setting and
 * its source ({@code --port}, {@code P2P_PORT} or {@code port in configs/config.yml}).
 * {@link #folder()} and {@link #cluster()} are null when no source gives them, so the shell can
 * ask for them. Immutable.
 */
public final class Settings {

    // Each is null when no source gave it: the engine's builder then keeps its own default.
    private final String host;
    private final Integer port;
    private final Path folder;
    private final List<String> cluster;
    private final Duration period;
    private final Duration waiting;
    private final Duration delay;
    private final Gossip gossip;
    private final String configSource;
    private final Path workDir;
    private final Secure secure;

    private Settings(String host, Integer port, Path folder, List<String> cluster, Duration period, Duration waiting,
                     Duration delay, Gossip gossip, String configSource, Path workDir, Secure secure) {
        this.secure = secure;
        this.host = host;
        this.port = port;
        this.folder = folder;
        this.cluster = cluster == null ? null : List.copyOf(cluster);
        this.period = period;
        this.waiting = waiting;
        this.delay = delay;
        this.gossip = gossip;
        this.configSource = configSource;
        this.workDir = workDir;
    }

    /**
     * Merges the sources.
     *
     * @param options what the command line gave
     * @param launch  the environment, and the working directory where config.yml is looked for and
     *                relative folders start
     */
    public static Settings resolve(NodeOptions options, Launch launch) {
        Path workDir = launch.workDir();
        ConfigFile file = ConfigFile.find(options.config, workDir);
        Sources s = new Sources(launch.env(), file);

        Value host = s.pick(options.host, "--host", "P2P_HOST", "host");
        if (host != null && host.text.isBlank()) {
            throw host.bad("must not be empty");
        }

        Value port = s.pick(options.port, "--port", "P2P_PORT", "port");
        Integer portNumber = port == null ? null : port.intIn(0, 65535);

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

        Duration period = seconds(s.pick(options.period, "--period", "P2P_PERIOD", "period"), false);
        Duration waiting = seconds(s.pick(options.waiting, "--waiting", "P2P_WAITING", "waiting"), false);
        Duration delay = seconds(s.pick(options.delay, "--delay", "P2P_DELAY", "delay"), true);

        Value fanout = s.pick(options.fanout, "--fanout", "P2P_FANOUT", "fanout");
        Value suspect = s.pick(options.suspectAfter, "--suspect-after", "P2P_SUSPECT_AFTER", "suspectAfter");
        Value remove = s.pick(options.removeAfter, "--remove-after", "P2P_REMOVE_AFTER", "removeAfter");
        Gossip gossip = new Gossip(fanout == null ? null : fanout.intIn(1, 64),
                suspect == null ? null : suspect.intIn(1, 1000), remove == null ? null : remove.intIn(1, 1000),
                rate(s.pick(options.maxUploadRate, "--max-upload-rate", "P2P_MAX_UPLOAD_RATE", "maxUploadRate")),
                rate(s.pick(options.maxDownloadRate, "--max-download-rate", "P2P_MAX_DOWNLOAD_RATE",
                        "maxDownloadRate")),
                seconds(s.pick(options.gather, "--gather", "P2P_GATHER", "gather"), true));

        return new Settings(host == null ? null : host.text.strip(), portNumber,
                folder == null ? null : workDir.resolve(folder.text.strip()).normalize(), cluster,
                period, waiting, delay, gossip, file == null ? null : file.path().toString(), workDir,
                secure(s, options, file, workDir));
    }

    /**
     * These settings with the port 0 (any free port) unless a source set one: a one-shot
     * {@code get} should not need the well-known port that a running node may hold.
     */
    public Settings anyPortUnlessSet() {
        return port != null ? this
                : new Settings(host, 0, folder, cluster, period, waiting, delay, gossip, configSource, workDir, secure);
    }

    /**
     * Secure mode's files, or null without a secret: the secret must exist and be readable by its
     * owner only (checked here, so a mistake is a usage error naming its source); the identity
     * defaults to {@code p2p-identity.pem} beside config.yml, else in the working directory.
     */
    private static Secure secure(Sources s, NodeOptions options, ConfigFile file, Path workDir) {
        Value secret = s.pick(options.secret, "--secret", "P2P_SECRET_FILE", "secret");
        Value identity = s.pick(options.identity, "--identity", "P2P_IDENTITY_FILE", "identity");
        if (secret == null) {
            if (identity != null) {
                throw identity.bad("is only used in secure mode: give the cluster's secret too (--secret FILE)");
            }
            return null;
        }
        if (secret.text.isBlank()) {
            throw secret.bad("must not be empty");
        }
        Path secretFile = workDir.resolve(secret.text.strip()).normalize();
        try {
            SecureCluster.checkSecret(secretFile);
        } catch (IllegalArgumentException e) {
            throw new UsageError(secret.source + ": " + e.getMessage());
        }
        Path beside = file == null ? workDir : file.path().toAbsolutePath().getParent();
        Path identityFile = identity == null ? beside.resolve(DEFAULT_IDENTITY)
                : workDir.resolve(identity.text.strip()).normalize();
        return new Secure(secretFile, identityFile);
    }

    /** The identity file's name when no source names one. */
    public static final String DEFAULT_IDENTITY = "p2p-identity.pem";

    private static Long rate(Value v) {
        return v == null ? null : ByteRate.parse(v.text, v.source);
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

    private static Duration seconds(Value v, boolean zeroAllowed) {
        return v == null ? null : seconds(v.text, v.source, zeroAllowed);
    }

    /**
     * How long a front end waits for a download's outcome before it gives up on the node: the
     * whole {@code waiting}, a few idle timeouts for a transfer that stalls and resumes, and a
     * minute of slack. The node itself fails a download long before; this only guards the wait.
     */
    public static Duration outcomeDeadline(NodeConfig config) {
        return config.waiting().plus(config.idleTimeout().multipliedBy(4)).plusMinutes(1);
    }

    /**
     * A number of seconds as a person writes it ({@code 20}, {@code 0.5}), checked: not negative,
     * not zero unless {@code zeroAllowed}, at most a year.
     *
     * @param source the setting and where it came from, for the message ({@code --stats-every})
     * @throws UsageError naming {@code source} if the text is not such a number
     */
    public static Duration seconds(String text, String source, boolean zeroAllowed) {
        Value v = new Value(text, source);
        BigDecimal s;
        try {
            s = new BigDecimal(text.strip());
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

    /**
     * The membership and rate settings as the sources gave them, each null when none did: peers
     * gossiped with per round, the periods of suspicion and removal, and the upload and download
     * rate limits in bytes per second, and how long a request gathers answers from several sources.
     */
    private record Gossip(Integer fanout, Integer suspectAfter, Integer removeAfter, Long maxUploadRate,
                          Long maxDownloadRate, Duration gather) { }

    /** Secure mode's two files. */
    private record Secure(Path secret, Path identity) { }

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
    public String host() { return host != null ? host : Defaults.host(); }
    /** UDP control port (0: any free port). */
    public int port() { return port != null ? port : Defaults.port(); }
    /** The shared folder, or null if no source names one. */
    public Path folder() { return folder; }
    /** The initial peers, or null if no source names any (an empty list means "none, on purpose"). */
    public List<String> cluster() { return cluster; }
    /** Time between discovery rounds. */
    public Duration period() { return period != null ? period : Defaults.period(); }
    /** How long a request waits for an answer. */
    public Duration waiting() { return waiting != null ? waiting : Defaults.waiting(); }
    /** The non-priority answer delay. */
    public Duration delay() { return delay != null ? delay : Defaults.delay(); }
    /** Peers gossiped with per discovery round. */
    public int fanout() { return gossip.fanout() != null ? gossip.fanout() : Defaults.fanout(); }
    /** Periods without a sign of life before a peer is suspect. */
    public int suspectAfter() { return gossip.suspectAfter() != null ? gossip.suspectAfter() : Defaults.suspectAfter(); }
    /** Periods a peer stays suspect before it is removed (or shown down, if configured). */
    public int removeAfter() { return gossip.removeAfter() != null ? gossip.removeAfter() : Defaults.removeAfter(); }
    /** Most bytes per second all uploads send together; 0 for unlimited. */
    public long maxUploadRate() { return gossip.maxUploadRate() != null ? gossip.maxUploadRate() : Defaults.maxUploadRate(); }
    /** Most bytes per second all downloads receive together; 0 for unlimited. */
    public long maxDownloadRate() {
        return gossip.maxDownloadRate() != null ? gossip.maxDownloadRate() : Defaults.maxDownloadRate();
    }
    /** The config.yml that was read, or null. */
    public String configSource() { return configSource; }
    /** The working directory relative folders start from. */
    public Path workDir() { return workDir; }
    /** Secure mode's secret file, or null for the plain protocol. */
    public Path secret() { return secure == null ? null : secure.secret(); }
    /** Secure mode's identity file, or null for the plain protocol. */
    public Path identity() { return secure == null ? null : secure.identity(); }

    /**
     * The node configuration for these settings with {@code folder} and {@code cluster} filled in;
     * what no source gave keeps the engine builder's default.
     *
     * @throws UsageError if the engine refuses a value (the folder does not exist, ...)
     */
    public NodeConfig toConfig(Path folder, List<String> cluster) {
        NodeConfig.Builder b = NodeConfig.builder().folder(folder).cluster(cluster);
        if (host != null) {
            b.host(host);
        }
        if (port != null) {
            b.port(port);
        }
        if (period != null) {
            b.period(period);
        }
        if (waiting != null) {
            b.waiting(waiting);
        }
        if (delay != null) {
            b.delay(delay);
        }
        if (gossip.fanout() != null) {
            b.fanout(gossip.fanout());
        }
        if (gossip.suspectAfter() != null) {
            b.suspectAfter(gossip.suspectAfter());
        }
        if (gossip.removeAfter() != null) {
            b.removeAfter(gossip.removeAfter());
        }
        if (gossip.maxUploadRate() != null) {
            b.maxUploadRate(gossip.maxUploadRate());
        }
        if (gossip.maxDownloadRate() != null) {
            b.maxDownloadRate(gossip.maxDownloadRate());
        }
        if (gossip.gather() != null) {
            b.gather(gossip.gather());
        }
        if (secure != null) {
            b.secret(secure.secret()).identity(secure.identity());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * The configuration for a headless mode: the folder defaults to {@link Defaults#FOLDER} under
     * the working directory and must exist; the cluster defaults to none.
     */
    public NodeConfig headless() {
        Path f = folder != null ? folder : workDir.resolve(Defaults.FOLDER);
        if (!Files.isDirectory(f)) {
            throw new UsageError("folder: '" + f + "' is not an existing directory"
                    + (folder == null ? " (give --folder DIR, P2P_FOLDER or folder in config.yml)" : ""));
        }
        return toConfig(f, cluster == null ? List.of() : cluster);
    }
}
