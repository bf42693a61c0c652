package p2pnio.cli.settings;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The node settings every mode accepts on its command line. Values stay text here: {@link Settings}
 * merges them with the environment and config.yml and checks them all in one place. The defaults
 * in the descriptions come from {@link Defaults} (the engine's own), through the commands'
 * resource bundle.
 */
public final class NodeOptions {

    @Option(names = "--folder", paramLabel = "DIR",
            description = "Shared folder: files served from it, downloads saved into it (env P2P_FOLDER; "
                    + "default: the shell asks, serve and get use ${bundle:default.folder}).")
    String folder;

    @Option(names = "--host", paramLabel = "H", description = "Address both endpoints bind to (env P2P_HOST, default ${bundle:default.host}).")
    String host;

    @Option(names = "--port", paramLabel = "P",
            description = "UDP control port, 0 = any free port (env P2P_PORT, default ${bundle:default.port}; any free port for get).")
    String port;

    @Option(names = "--peer", paramLabel = "H:P", description = "A peer's control address; repeat for more (env P2P_CLUSTER, comma-separated).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--period", paramLabel = "S", description = "Seconds between discovery rounds (env P2P_PERIOD, default ${bundle:default.period}).")
    String period;

    @Option(names = "--waiting", paramLabel = "S", description = "Seconds a request waits for an answer (env P2P_WAITING, default ${bundle:default.waiting}).")
    String waiting;

    @Option(names = "--delay", paramLabel = "S",
            description = "Seconds before answering a peer that is not a priority responder (env P2P_DELAY, default ${bundle:default.delay}).")
    String delay;

    @Option(names = "--gather", paramLabel = "S",
            description = "Seconds a request with an answer from one of our nodes waits for more answers with the same file, to download from all of them (env P2P_GATHER, default ${bundle:default.gather}).")
    String gather;

    @Option(names = "--fanout", paramLabel = "N",
            description = "Peers gossiped with per discovery round (env P2P_FANOUT, default ${bundle:default.fanout}).")
    String fanout;

    @Option(names = "--suspect-after", paramLabel = "K",
            description = "Periods without a sign of life before a peer is suspect (env P2P_SUSPECT_AFTER, default ${bundle:default.suspectAfter}).")
    String suspectAfter;

    @Option(names = "--remove-after", paramLabel = "M",
            description = "Periods a peer stays suspect before it is removed, or shown down if configured "
                    + "(env P2P_REMOVE_AFTER, default ${bundle:default.removeAfter}).")
    String removeAfter;

    @Option(names = "--max-upload-rate", paramLabel = "RATE",
            description = "Most bytes per second all uploads together send: 500k, 20M, 1G (binary units); 0 = unlimited "
                    + "(env P2P_MAX_UPLOAD_RATE, default ${bundle:default.maxUploadRate}).")
    String maxUploadRate;

    @Option(names = "--max-download-rate", paramLabel = "RATE",
            description = "Most bytes per second all downloads together receive, as --max-upload-rate "
                    + "(env P2P_MAX_DOWNLOAD_RATE, default ${bundle:default.maxDownloadRate}).")
    String maxDownloadRate;

    @Option(names = "--secret", paramLabel = "FILE",
            description = "Secure mode: the cluster's secret, made by 'p2p keygen' (env P2P_SECRET_FILE). Only nodes "
                    + "holding it are members; every datagram is authenticated. Reference nodes cannot join.")
    String secret;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Secure mode: this node's key and certificate, made on first start (env P2P_IDENTITY_FILE; "
                    + "default: p2p-identity.pem beside config.yml, else in the working directory).")
    String identity;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (default: config.yml in the working directory, then in ./configs).")
    Path config;

    @Option(names = "--trace", description = "Trace what the loop does (select results, state transitions, datagrams, transferTo) on stderr.")
    boolean trace;

    @Option(names = "--trace-file", paramLabel = "F", description = "Write the trace to F instead of stderr (implies --trace).")
    Path traceFile;

    /**
     * These options, with each one not given here taken from {@code outer}: the options written
     * before the mode ({@code p2p --folder x serve}) count as if written after it.
     */
    public NodeOptions orElse(NodeOptions outer) {
        NodeOptions o = new NodeOptions();
        o.folder = folder != null ? folder : outer.folder;
        o.host = host != null ? host : outer.host;
        o.port = port != null ? port : outer.port;
        o.peers = !peers.isEmpty() ? peers : outer.peers;
        o.period = period != null ? period : outer.period;
        o.waiting = waiting != null ? waiting : outer.waiting;
        o.delay = delay != null ? delay : outer.delay;
        o.gather = gather != null ? gather : outer.gather;
        o.fanout = fanout != null ? fanout : outer.fanout;
        o.suspectAfter = suspectAfter != null ? suspectAfter : outer.suspectAfter;
        o.removeAfter = removeAfter != null ? removeAfter : outer.removeAfter;
        o.maxUploadRate = maxUploadRate != null ? maxUploadRate : outer.maxUploadRate;
        o.maxDownloadRate = maxDownloadRate != null ? maxDownloadRate : outer.maxDownloadRate;
        o.secret = secret != null ? secret : outer.secret;
        o.identity = identity != null ? identity : outer.identity;
        o.config = config != null ? config : outer.config;
        o.trace = trace || outer.trace;
        o.traceFile = traceFile != null ? traceFile : outer.traceFile;
        return o;
    }

    /** True when the trace should start on. */
    public boolean traceOn() {
        return trace || traceFile != null;
    }

    /** True when the trace goes to a file of the user's choosing rather than to stderr. */
    public boolean traceToFile() {
        return traceFile != null;
    }

    /**
     * Where the trace goes: the {@code --trace-file} (appended to, relative to the working
     * directory) when given, else standard error.
     *
     * @throws UsageError if the file cannot be written
     */
    public PrintStream traceOut(Launch launch) {
        if (traceFile == null) {
            return launch.err();
        }
        try {
            return new PrintStream(new FileOutputStream(launch.workDir().resolve(traceFile).toFile(), true), true);
        } catch (FileNotFoundException e) {
            throw new UsageError("--trace-file: cannot write '" + traceFile + "': " + e.getMessage());
        }
    }
}
