package p2pnio.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The node settings every mode accepts on its command line. Values stay text here: {@link Settings}
 * merges them with the environment and config.yml and checks them all in one place.
 */
public final class NodeOptions {

    @Option(names = "--folder", paramLabel = "DIR", description = "Shared folder: files served from it, downloads saved into it (env P2P_FOLDER).")
    String folder;

    @Option(names = "--host", paramLabel = "H", description = "Address both endpoints bind to (env P2P_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "P", description = "UDP control port, 0 = any free port (env P2P_PORT, default 1378; 0 for get).")
    String port;

    @Option(names = "--peer", paramLabel = "H:P", description = "A peer's control address; repeat for more (env P2P_CLUSTER, comma-separated).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--period", paramLabel = "S", description = "Seconds between discovery rounds (env P2P_PERIOD, default 20).")
    String period;

    @Option(names = "--waiting", paramLabel = "S", description = "Seconds a request waits for an answer (env P2P_WAITING, default 100).")
    String waiting;

    @Option(names = "--delay", paramLabel = "S", description = "Seconds before answering a peer that is not a priority responder (env P2P_DELAY, default 10).")
    String delay;

    @Option(names = "--max-upload-rate", paramLabel = "RATE", description = "Most bytes per second all uploads together send: 500k, 20M, 1G (binary units); 0 = unlimited (env P2P_MAX_UPLOAD_RATE, default 0).")
    String maxUploadRate;

    @Option(names = "--max-download-rate", paramLabel = "RATE", description = "Most bytes per second all downloads together receive, as --max-upload-rate (env P2P_MAX_DOWNLOAD_RATE, default 0).")
    String maxDownloadRate;

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
        o.maxUploadRate = maxUploadRate != null ? maxUploadRate : outer.maxUploadRate;
        o.maxDownloadRate = maxDownloadRate != null ? maxDownloadRate : outer.maxDownloadRate;
        o.config = config != null ? config : outer.config;
        o.trace = trace || outer.trace;
        o.traceFile = traceFile != null ? traceFile : outer.traceFile;
        return o;
    }
}
