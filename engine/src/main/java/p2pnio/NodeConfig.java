package p2pnio;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import p2pnio.core.Settings;

/**
 * Everything a node is started with: where it listens, what it shares, whom it knows first, its
 * timings, and the bounds that protect it from hostile peers.
 *
 * <p>Immutable; build one with {@link #builder()}. {@link Builder#build()} validates every value
 * and names the setting in its error message.
 */
public final class NodeConfig {

    /** Default UDP control port. */
    public static final int DEFAULT_PORT = 1378;

    /** When a download whose answer carried a SHA-256 is checked against it (issue 11). */
    public enum Verify {
        /**
         * The default: a background thread hashes the partial file's bytes as they arrive (it reads
         * them back from the page cache, behind the loop's writes), so at the last byte only the
         * tail is left; the loop spends nothing on hashing.
         */
        WHILE_RECEIVING,
        /** The background thread reads and hashes the whole partial file after its last byte. */
        AFTER_LAST_BYTE,
        /** Not checked (for comparison in benchmarks); downloads report "not verified". */
        OFF
    }

    /** How a node keeps its cluster list. */
    public enum Membership {
        /**
         * Bounded gossip (the default): each period a {@code PING} to {@code fanout} of our nodes
         * (one of them the peer being probed) and a plain {@code DISCOVER} to at most
         * {@code fanout} reference-style peers; liveness with suspicion and removal.
         */
        GOSSIP,
        /**
         * The reference node's way: the whole list to every peer every period, and never forget a
         * peer. Its cost grows with the square of the cluster; kept for comparison.
         */
        ALL_TO_ALL
    }

    private final String host;
    private final int port;
    private final Path folder;
    private final List<String> cluster;
    private final Duration period;
    private final Duration waiting;
    private final Duration delay;
    private final int maxClusterSize;
    private final int maxDatagramBytes;
    private final int maxRequestLineBytes;
    private final Duration requestLineTimeout;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final int maxUploads;
    private final int maxDownloads;
    private final int getAnswersPerPeerPerSecond;
    private final int maxScheduledAnswers;
    private final int sendChunkBytes;
    private final int sendBytesPerTurn;
    private final int tasksPerTurn;
    private final int downloadStartsPerTurn;
    private final int acceptsPerTurn;
    private final int datagramsPerTurn;
    private final Duration gather;
    private final long maxUploadRate;
    private final long maxDownloadRate;
    private final int udpReceiveBufferBytes;
    private final int mailboxCapacity;
    private final Duration getRetryInitial;
    private final Membership membership;
    private final int fanout;
    private final int suspectAfter;
    private final int removeAfter;
    private final int getFanout;
    private final Verify verify;
    private final boolean jmx;
    private final Path secret;
    private final Path identity;
    private final Duration clockSkew;

    private NodeConfig(Builder b) {
        host = b.host;
        port = b.port;
        folder = b.folder;
        cluster = List.copyOf(b.cluster);
        period = b.period;
        waiting = b.waiting;
        delay = b.delay;
        maxClusterSize = b.maxClusterSize;
        maxDatagramBytes = b.maxDatagramBytes;
        maxRequestLineBytes = b.maxRequestLineBytes;
        requestLineTimeout = b.requestLineTimeout;
        idleTimeout = b.idleTimeout;
        connectTimeout = b.connectTimeout;
        maxUploads = b.maxUploads;
        maxDownloads = b.maxDownloads;
        getAnswersPerPeerPerSecond = b.getAnswersPerPeerPerSecond;
        maxScheduledAnswers = b.maxScheduledAnswers;
        sendChunkBytes = b.sendChunkBytes;
        sendBytesPerTurn = b.sendBytesPerTurn;
        tasksPerTurn = b.tasksPerTurn;
        downloadStartsPerTurn = b.downloadStartsPerTurn;
        acceptsPerTurn = b.acceptsPerTurn;
        datagramsPerTurn = b.datagramsPerTurn;
        gather = b.gather;
        maxUploadRate = b.maxUploadRate;
        maxDownloadRate = b.maxDownloadRate;
        udpReceiveBufferBytes = b.udpReceiveBufferBytes;
        mailboxCapacity = b.mailboxCapacity;
        getRetryInitial = b.getRetryInitial;
        membership = b.membership;
        fanout = b.fanout;
        suspectAfter = b.suspectAfter;
        removeAfter = b.removeAfter;
        getFanout = b.getFanout;
        verify = b.verify;
        jmx = b.jmx;
        secret = b.secret;
        identity = b.identity;
        clockSkew = b.clockSkew;
    }

    /** The settings the node's parts read, as the parts see them. */
    Settings settings() {
        return new Settings(cluster, period, waiting, delay, maxClusterSize, maxDatagramBytes, maxRequestLineBytes,
                requestLineTimeout, idleTimeout, connectTimeout, maxUploads, maxDownloads, getAnswersPerPeerPerSecond,
                maxScheduledAnswers, sendChunkBytes, sendBytesPerTurn, maxUploadRate, maxDownloadRate,
                udpReceiveBufferBytes, getRetryInitial, membership == Membership.GOSSIP, fanout, suspectAfter,
                removeAfter, getFanout, verify.name(), tasksPerTurn, downloadStartsPerTurn, acceptsPerTurn,
                datagramsPerTurn, gather);
    }

    /** A builder with every default of PROTOCOL.md and SECURITY.md. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.folder = folder;
        b.cluster = new ArrayList<>(cluster);
        b.period = period;
        b.waiting = waiting;
        b.delay = delay;
        b.maxClusterSize = maxClusterSize;
        b.maxDatagramBytes = maxDatagramBytes;
        b.maxRequestLineBytes = maxRequestLineBytes;
        b.requestLineTimeout = requestLineTimeout;
        b.idleTimeout = idleTimeout;
        b.connectTimeout = connectTimeout;
        b.maxUploads = maxUploads;
        b.maxDownloads = maxDownloads;
        b.getAnswersPerPeerPerSecond = getAnswersPerPeerPerSecond;
        b.maxScheduledAnswers = maxScheduledAnswers;
        b.sendChunkBytes = sendChunkBytes;
        b.sendBytesPerTurn = sendBytesPerTurn;
        b.tasksPerTurn = tasksPerTurn;
        b.downloadStartsPerTurn = downloadStartsPerTurn;
        b.acceptsPerTurn = acceptsPerTurn;
        b.datagramsPerTurn = datagramsPerTurn;
        b.gather = gather;
        b.maxUploadRate = maxUploadRate;
        b.maxDownloadRate = maxDownloadRate;
        b.udpReceiveBufferBytes = udpReceiveBufferBytes;
        b.mailboxCapacity = mailboxCapacity;
        b.getRetryInitial = getRetryInitial;
        b.membership = membership;
        b.fanout = fanout;
        b.suspectAfter = suspectAfter;
        b.removeAfter = removeAfter;
        b.getFanout = getFanout;
        b.verify = verify;
        b.jmx = jmx;
        b.secret = secret;
        b.identity = identity;
        b.clockSkew = clockSkew;
        return b;
    }

    /** Host address both endpoints bind to (default 127.0.0.1). */
    public String host() { return host; }
    /** UDP control port; 0 picks a free one (default 1378). */
    public int port() { return port; }
    /** The shared folder: files served from it, downloads saved into it. */
    public Path folder() { return folder; }
    /** The initial cluster: {@code host:port} of peers' control endpoints. */
    public List<String> cluster() { return cluster; }
    /** Time between discovery rounds (default 20 s). */
    public Duration period() { return period; }
    /** How long a request waits for a {@code File} answer (default 100 s). */
    public Duration waiting() { return waiting; }
    /** Delay before answering a {@code Get} from a non-priority peer (default 10 s). */
    public Duration delay() { return delay; }
    /** Most peers the cluster list holds (default 1024). */
    public int maxClusterSize() { return maxClusterSize; }
    /** Largest datagram accepted, bytes (default 2048); larger ones are dropped. */
    public int maxDatagramBytes() { return maxDatagramBytes; }
    /** Longest request line an upload accepts, newline included (default 2048). */
    public int maxRequestLineBytes() { return maxRequestLineBytes; }
    /** Time a client has to send its whole request line (default 10 s); trickling bytes do not extend it. */
    public Duration requestLineTimeout() { return requestLineTimeout; }
    /** A transfer with no progress for this long is failed (default 30 s). */
    public Duration idleTimeout() { return idleTimeout; }
    /** Time a download's TCP connect may take (default 10 s). */
    public Duration connectTimeout() { return connectTimeout; }
    /** Most uploads at once; more connections are accepted and closed at once (default 512). */
    public int maxUploads() { return maxUploads; }
    /** Most downloads at once (default 256). */
    public int maxDownloads() { return maxDownloads; }
    /** Most {@code Get} datagrams answered per peer per second (default 500). */
    public int getAnswersPerPeerPerSecond() { return getAnswersPerPeerPerSecond; }
    /** Most delayed {@code File} answers scheduled at once (default 4096). */
    public int maxScheduledAnswers() { return maxScheduledAnswers; }
    /** Most body bytes one upload sends in one turn of the loop, in one {@code transferTo} (default 1 MiB). */
    public int sendChunkBytes() { return sendChunkBytes; }
    /**
     * Most body bytes all uploads together send in one turn of the loop, shared round-robin among
     * them (default 4 MiB): a turn stays short however many uploads run, so new requests are
     * answered within one turn.
     */
    public int sendBytesPerTurn() { return sendBytesPerTurn; }
    /**
     * Most tasks (commands posted by the console or an embedder, results posted back by the file
     * thread) one turn of the loop runs (default 16); the rest wait, in order, for the next turn,
     * which then does not wait in {@code select}.
     */
    public int tasksPerTurn() { return tasksPerTurn; }
    /**
     * Most downloads one turn of the loop starts (socket opened, connect begun; default 4): the
     * answers that arrive together in one turn start their downloads over the next turns, in order.
     */
    public int downloadStartsPerTurn() { return downloadStartsPerTurn; }
    /** Most TCP connections one turn of the loop accepts (default 16); the rest wait in the kernel's backlog. */
    public int acceptsPerTurn() { return acceptsPerTurn; }
    /** Most datagrams one turn of the loop reads (default 64); the rest wait in the socket's receive buffer. */
    public int datagramsPerTurn() { return datagramsPerTurn; }
    /**
     * How long a request that has an answer able to serve ranges waits for other peers' answers
     * (the same bytes from several sources) before it starts, unless every peer asked answered first.
     */
    public Duration gather() { return gather; }
    /** Most bytes per second all uploads together send; 0 for unlimited (the default). Changeable live. */
    public long maxUploadRate() { return maxUploadRate; }
    /** Most bytes per second all downloads together receive; 0 for unlimited (the default). Changeable live. */
    public long maxDownloadRate() { return maxDownloadRate; }
    /** Receive buffer asked of the kernel for the UDP socket (default 4 MiB). */
    public int udpReceiveBufferBytes() { return udpReceiveBufferBytes; }
    /** Most commands queued for the loop at once (default 65536). */
    public int mailboxCapacity() { return mailboxCapacity; }
    /** First retry of an unanswered {@code Get}; each next retry waits twice as long (default 1 s). */
    public Duration getRetryInitial() { return getRetryInitial; }
    /** How the cluster list is kept (default {@link Membership#GOSSIP}). */
    public Membership membership() { return membership; }
    /** Peers gossiped with per period: our nodes {@code PING}ed, and reference-style peers sent a {@code DISCOVER} (default 3). */
    public int fanout() { return fanout; }
    /** Periods without a sign of life after which a peer is suspect (default 3). */
    public int suspectAfter() { return suspectAfter; }
    /** Periods a peer stays suspect before it is removed, or shown down if configured (default 3). */
    public int removeAfter() { return removeAfter; }
    /** Peers a request asks on its first try, besides the priority peers; doubled on each retry (default 16). */
    public int getFanout() { return getFanout; }
    /** When downloads are checked against the SHA-256 their answer carried (default {@code WHILE_RECEIVING}). */
    public Verify verify() { return verify; }
    /** Whether the node shows its counters as a JMX MXBean ({@link NodeMXBean}; default true). */
    public boolean jmx() { return jmx; }
    /** Secure mode: the file of the cluster's secret ({@code p2p keygen}); null for the plain protocol. */
    public Path secret() { return secret; }
    /** Secure mode: the file of this node's key and certificate, made on first start if missing. */
    public Path identity() { return identity; }
    /** Secure mode: how far a sealed datagram's time may be from ours, either way. */
    public Duration clockSkew() { return clockSkew; }
    /** True in secure mode (a secret is set). */
    public boolean secure() { return secret != null; }

    @Override
    public String toString() {
        return "NodeConfig[host=" + host + ", port=" + port + ", folder=" + folder + ", cluster=" + cluster
                + ", period=" + period + ", waiting=" + waiting + ", delay=" + delay + ", membership=" + membership
                + ", fanout=" + fanout + ", suspectAfter=" + suspectAfter + ", removeAfter=" + removeAfter
                + ", getFanout=" + getFanout + ", maxUploadRate=" + maxUploadRate + ", maxDownloadRate=" + maxDownloadRate
                + ", jmx=" + jmx
                + (secret == null ? "" : ", secret=" + secret + ", identity=" + identity + ", clockSkew=" + clockSkew) + "]";
    }

    /** Collects settings; {@link #build()} checks them. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Path folder;
        private List<String> cluster = new ArrayList<>();
        private Duration period = Duration.ofSeconds(20);
        private Duration waiting = Duration.ofSeconds(100);
        private Duration delay = Duration.ofSeconds(10);
        private int maxClusterSize = 1024;
        private int maxDatagramBytes = 2048;
        private int maxRequestLineBytes = 2048;
        private Duration requestLineTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxUploads = 512;
        private int maxDownloads = 256;
        private int getAnswersPerPeerPerSecond = 500;
        private int maxScheduledAnswers = 4096;
        private int sendChunkBytes = 1 << 20;
        private int sendBytesPerTurn = 4 << 20;
        private int tasksPerTurn = 16;
        private int downloadStartsPerTurn = 4;
        private int acceptsPerTurn = 16;
        private int datagramsPerTurn = 64;
        private Duration gather = Duration.ofMillis(250);
        private long maxUploadRate;
        private long maxDownloadRate;
        private int udpReceiveBufferBytes = 4 << 20;
        private int mailboxCapacity = 65536;
        private Duration getRetryInitial = Duration.ofSeconds(1);
        private Membership membership = Membership.GOSSIP;
        private int fanout = 3;
        private int suspectAfter = 3;
        private int removeAfter = 3;
        private int getFanout = 16;
        private Verify verify = Verify.WHILE_RECEIVING;
        private boolean jmx = true;
        private Path secret;
        private Path identity;
        private Duration clockSkew = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder folder(Path v) { folder = v; return this; }
        public Builder cluster(List<String> v) { cluster = new ArrayList<>(v); return this; }
        public Builder addPeer(String v) { cluster.add(v); return this; }
        public Builder period(Duration v) { period = v; return this; }
        public Builder waiting(Duration v) { waiting = v; return this; }
        public Builder delay(Duration v) { delay = v; return this; }
        public Builder maxClusterSize(int v) { maxClusterSize = v; return this; }
        public Builder maxDatagramBytes(int v) { maxDatagramBytes = v; return this; }
        public Builder maxRequestLineBytes(int v) { maxRequestLineBytes = v; return this; }
        public Builder requestLineTimeout(Duration v) { requestLineTimeout = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder maxUploads(int v) { maxUploads = v; return this; }
        public Builder maxDownloads(int v) { maxDownloads = v; return this; }
        public Builder getAnswersPerPeerPerSecond(int v) { getAnswersPerPeerPerSecond = v; return this; }
        public Builder maxScheduledAnswers(int v) { maxScheduledAnswers = v; return this; }
        public Builder sendChunkBytes(int v) { sendChunkBytes = v; return this; }
        public Builder sendBytesPerTurn(int v) { sendBytesPerTurn = v; return this; }
        public Builder tasksPerTurn(int v) { tasksPerTurn = v; return this; }
        public Builder downloadStartsPerTurn(int v) { downloadStartsPerTurn = v; return this; }
        public Builder acceptsPerTurn(int v) { acceptsPerTurn = v; return this; }
        public Builder datagramsPerTurn(int v) { datagramsPerTurn = v; return this; }
        public Builder gather(Duration v) { gather = v; return this; }
        public Duration gather() { return gather; }
        public Builder maxUploadRate(long v) { maxUploadRate = v; return this; }
        public Builder maxDownloadRate(long v) { maxDownloadRate = v; return this; }
        public Builder udpReceiveBufferBytes(int v) { udpReceiveBufferBytes = v; return this; }
        public Builder mailboxCapacity(int v) { mailboxCapacity = v; return this; }
        public Builder getRetryInitial(Duration v) { getRetryInitial = v; return this; }
        public Builder membership(Membership v) { membership = v; return this; }
        public Builder fanout(int v) { fanout = v; return this; }
        public Builder suspectAfter(int v) { suspectAfter = v; return this; }
        public Builder removeAfter(int v) { removeAfter = v; return this; }
        public Builder getFanout(int v) { getFanout = v; return this; }
        public Builder verify(Verify v) { verify = java.util.Objects.requireNonNull(v, "verify"); return this; }

        public Builder jmx(boolean v) { jmx = v; return this; }
        /** Secure mode on: the cluster's secret file (null: off). */
        public Builder secret(Path v) { secret = v; return this; }
        /** Secure mode: where this node's key and certificate are kept (made there on first start). */
        public Builder identity(Path v) { identity = v; return this; }
        public Builder clockSkew(Duration v) { clockSkew = v; return this; }

        // What the builder holds so far: on a new builder, the defaults. Front ends (the command
        // line's help, its config.yml) show them from here instead of restating them.

        /** The host set so far ({@code 127.0.0.1} on a new builder). */
        public String host() { return host; }
        /** The UDP control port set so far (1378 on a new builder). */
        public int port() { return port; }
        /** The discovery period set so far (20 s on a new builder). */
        public Duration period() { return period; }
        /** The wait for a {@code File} answer set so far (100 s on a new builder). */
        public Duration waiting() { return waiting; }
        /** The non-priority answer delay set so far (10 s on a new builder). */
        public Duration delay() { return delay; }
        /** The gossip fanout set so far (3 on a new builder). */
        public int fanout() { return fanout; }
        /** The periods before suspicion set so far (3 on a new builder). */
        public int suspectAfter() { return suspectAfter; }
        /** The periods from suspicion to removal set so far (3 on a new builder). */
        public int removeAfter() { return removeAfter; }
        /** The upload rate limit set so far, bytes per second (0, unlimited, on a new builder). */
        public long maxUploadRate() { return maxUploadRate; }
        /** The download rate limit set so far, bytes per second (0, unlimited, on a new builder). */
        public long maxDownloadRate() { return maxDownloadRate; }

        /**
         * Checks every setting and returns the configuration.
         *
         * @throws IllegalArgumentException naming the first setting that is wrong, and why
         */
        public NodeConfig build() {
            require(host != null && !host.isBlank(), "host", "must not be empty");
            require(port >= 0 && port <= 65535, "port", "must be from 0 to 65535, got " + port);
            require(folder != null, "folder", "must be set");
            require(Files.isDirectory(folder), "folder", "'" + folder + "' is not an existing directory");
            for (String peer : cluster) {
                String why = PeerAddress.whyInvalid(peer);
                require(why == null, "cluster", "peer '" + peer + "' " + why);
            }
            positive(period, "period");
            positive(waiting, "waiting");
            require(delay != null && !delay.isNegative(), "delay", "must not be negative");
            atLeast(maxClusterSize, 1, "maxClusterSize");
            atLeast(maxDatagramBytes, 64, "maxDatagramBytes");
            require(maxDatagramBytes <= 65507, "maxDatagramBytes", "must be at most 65507");
            atLeast(maxRequestLineBytes, 16, "maxRequestLineBytes");
            positive(requestLineTimeout, "requestLineTimeout");
            positive(idleTimeout, "idleTimeout");
            positive(connectTimeout, "connectTimeout");
            atLeast(maxUploads, 1, "maxUploads");
            atLeast(maxDownloads, 1, "maxDownloads");
            atLeast(getAnswersPerPeerPerSecond, 1, "getAnswersPerPeerPerSecond");
            atLeast(maxScheduledAnswers, 1, "maxScheduledAnswers");
            atLeast(sendChunkBytes, 1024, "sendChunkBytes");
            require(sendBytesPerTurn >= sendChunkBytes, "sendBytesPerTurn",
                    "must be at least sendChunkBytes (" + sendChunkBytes + "), got " + sendBytesPerTurn);
            atLeast(tasksPerTurn, 1, "tasksPerTurn");
            atLeast(downloadStartsPerTurn, 1, "downloadStartsPerTurn");
            atLeast(acceptsPerTurn, 1, "acceptsPerTurn");
            atLeast(datagramsPerTurn, 1, "datagramsPerTurn");
            require(gather != null && !gather.isNegative() && gather.compareTo(waiting) < 0, "gather",
                    "must be at least 0 and shorter than waiting");
            rate(maxUploadRate, "maxUploadRate");
            rate(maxDownloadRate, "maxDownloadRate");
            atLeast(udpReceiveBufferBytes, 0, "udpReceiveBufferBytes");
            atLeast(mailboxCapacity, 16, "mailboxCapacity");
            positive(getRetryInitial, "getRetryInitial");
            require(membership != null, "membership", "must be set");
            atLeast(fanout, 1, "fanout");
            require(fanout <= 64, "fanout", "must be at most 64, got " + fanout);
            atLeast(suspectAfter, 1, "suspectAfter");
            atLeast(removeAfter, 1, "removeAfter");
            require(suspectAfter <= 1000 && removeAfter <= 1000, "suspectAfter",
                    "suspectAfter and removeAfter must be at most 1000 periods");
            atLeast(getFanout, 1, "getFanout");
            if (secret != null) {
                require(identity != null, "identity", "must be set in secure mode (where the node's key and certificate are kept)");
                require(!identity.toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize()), "identity",
                        "'" + identity + "' is inside the shared folder, where it would be served to anyone: keep it elsewhere");
                require(!secret.toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize()), "secret",
                        "'" + secret + "' is inside the shared folder, where it would be served to anyone: keep it elsewhere");
                positive(clockSkew, "clockSkew");
            }
            return new NodeConfig(this);
        }

        private static void positive(Duration d, String name) {
            require(d != null && !d.isNegative() && !d.isZero(), name, "must be a positive duration");
        }

        private static void rate(long v, String name) {
            require(v >= 0, name, "must be 0 (unlimited) or a number of bytes per second, got " + v);
        }

        private static void atLeast(int v, int min, String name) {
            require(v >= min, name, "must be at least " + min + ", got " + v);
        }

        private static void require(boolean ok, String setting, String why) {
            if (!ok) {
                throw new IllegalArgumentException(setting + ": " + why);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeConfig c && Objects.equals(toString(), c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
