package p2pnio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import p2pnio.control.Browsing;
import p2pnio.control.Cluster;
import p2pnio.control.ControlChannel;
import p2pnio.control.Discovery;
import p2pnio.control.LocalAddresses;
import p2pnio.control.Requests;
import p2pnio.control.Responder;
import p2pnio.core.Attempt;
import p2pnio.core.Context;
import p2pnio.core.Counters;
import p2pnio.loop.EventLoop;
import p2pnio.secure.SecureMode;
import p2pnio.share.PartialFile;
import p2pnio.transfer.Transfers;

/**
 * The running node on its loop: opens the sockets, wires the UDP side (discovery, requests,
 * answers) to the TCP side (transfers), carries out commands, and tears everything down.
 * It sits with {@link Node}, above the parts it wires: they never import this package.
 * Loop thread only, from {@link #open} to {@link #shutdown}.
 */
final class NodeCore {

    private final Context ctx;
    private final NodeConfig config;
    private final Emitter emitter;
    private final Executor background;
    private final SecureMode secure;
    private ControlChannel control;
    private Transfers transfers;
    private Cluster cluster;
    private Discovery discovery;
    private Responder responder;
    private Requests requests;
    private Browsing browsing;

    /** A node of the plain protocol. */
    NodeCore(Context ctx, NodeConfig config, Emitter emitter, Executor background) {
        this(ctx, config, emitter, background, null);
    }

    /** {@code secure}: the secret and identity of secure mode, or null for the plain protocol. */
    NodeCore(Context ctx, NodeConfig config, Emitter emitter, Executor background, SecureMode secure) {
        this.secure = secure;
        this.ctx = ctx;
        this.config = config;
        this.emitter = emitter;
        this.background = background;
    }

    /** Binds both endpoints and starts serving; returns the events that announce it. */
    public NodeEvent.Ready open() throws IOException {
        ctx.loop.checkInLoop();
        InetAddress host = InetAddress.getByName(config.host());
        control = new ControlChannel(ctx, new InetSocketAddress(host, config.port()));
        try {
            transfers = new Transfers(ctx, new InetSocketAddress(host, 0), secure, background);
        } catch (IOException e) {
            control.close();
            throw e;
        }
        InetSocketAddress self = control.localAddress();
        ctx.trace.tag(PeerAddress.of(self));
        cluster = new Cluster(ctx, background, self, LocalAddresses.ofThisHost(ctx));
        discovery = new Discovery(ctx, cluster, control, newInstanceId());
        responder = new Responder(ctx, cluster, control, transfers.localAddress().getPort());
        requests = new Requests(ctx, cluster, control, new Requests.Downloads() {
            @Override
            public boolean isDownloading(String name) {
                return transfers.isDownloading(name);
            }

            @Override
            public void download(String name, InetSocketAddress server, String peer, InetSocketAddress answeredFrom,
                                 Attempt attempt) {
                transfers.download(name, server, peer, answeredFrom, attempt);
            }

            @Override
            public void download(String name, long size, String sha256, List<Transfers.Source> servers) {
                transfers.download(name, size, sha256, servers);
            }

            @Override
            public boolean join(String name, long size, String sha256, InetSocketAddress server,
                                InetSocketAddress answeredFrom) {
                return transfers.join(name, size, sha256, server, answeredFrom);
            }
        });
        ctx.folder.onProblems((paths, first) -> ctx.quiet(paths + " unreadable path(s) skipped while scanning "
                + ctx.folder.root(), first));
        if (ctx.folder.digests() != null) {
            ctx.folder.digests().onProblems(emitter::warning);
        }
        browsing = new Browsing(ctx, cluster, control, discovery);
        control.start(discovery.receiver(responder::onGet, requests::onFile, browsing),
                secure == null ? null : secure.seal(cluster::isSelf, System::currentTimeMillis),
                secure == null ? null : secure.members());
        transfers.start();
        ctx.folder.rescan();
        sweepLeftovers();
        discovery.start();
        return new NodeEvent.Ready(self, transfers.localAddress());
    }

    /** Deletes partial downloads left behind by a process that is gone (a crash), off the loop. */
    private void sweepLeftovers() {
        Path root = ctx.folder.root();
        ctx.files.submit("sweep partial downloads in " + root, () -> PartialFile.sweep(root), (removed, failure) -> {
            if (failure != null) {
                ctx.quiet("looking for partial downloads left in " + root, failure);
            } else if (removed > 0) {
                emitter.emit(new NodeEvent.Warning("deleted " + removed + " partial download(s) left in " + root
                        + " by a process that is gone"));
            }
        });
    }

    /**
     * A new instance id for this run: the wall-clock start time in milliseconds, then 16 random
     * bits, so that a later run of a node usually has a larger id than an earlier one.
     */
    private static long newInstanceId() {
        return (System.currentTimeMillis() << 16) | new java.security.SecureRandom().nextInt(1 << 16);
    }

    /** Deletes what is kept for resuming {@code name} (file thread), or says there is nothing to cancel. */
    private void cancelKept(String name) {
        Path root = ctx.folder.root();
        ctx.files.submit("delete the kept partial files of '" + name + "'", () -> PartialFile.discardKept(root, name),
                (deleted, failure) -> {
                    if (failure != null) {
                        emitter.emit(new NodeEvent.Warning("could not delete the kept partial file of '" + name + "': "
                                + failure.getMessage()));
                    } else if (deleted == 0) {
                        emitter.emit(new NodeEvent.Warning("nothing to cancel: '" + name + "' is not being fetched"));
                    } else {
                        emitter.emit(new NodeEvent.Warning("cancelled: the partial download of '" + name
                                + "' kept for resume is deleted"));
                    }
                });
    }

    /** Carries out one command. */
    void handle(Command command) {
        if (command instanceof Command.Fetch f) {
            requests.fetch(f.name());
        } else if (command instanceof Command.FetchFrom f) {
            String why = p2pnio.wire.Names.whyNotRequestable(f.name());
            if (why != null) {
                ctx.counters.downloadsFailed++;
                ctx.events.downloadFailed(f.name(), "cannot fetch '" + f.name() + "': " + why);
            } else {
                // no answer named these: nothing to pin them to in secure mode
                transfers.download(f.name(), f.size(), f.sha256(),
                        f.sources().stream().map(server -> new Transfers.Source(server, null)).toList(),
                        f.pieceBytes() == 0 ? p2pnio.transfer.Transfers.PIECE_BYTES : f.pieceBytes());
            }
        } else if (command instanceof Command.Cancel c) {
            if (!requests.cancel(c.name()) && !transfers.cancel(c.name())) {
                cancelKept(c.name());
            }
        } else if (command instanceof Command.AddPeer a) {
            String why = PeerAddress.whyInvalid(a.address());
            if (why != null) {
                emitter.emit(new NodeEvent.Warning("cannot add peer '" + a.address() + "': it " + why));
            } else if (cluster.add(a.address(), Cluster.CONFIGURED) == null) {
                emitter.emit(new NodeEvent.Warning("peer '" + a.address() + "' not added (known, ourselves, no peer's address, or the cluster is full)"));
            }
        } else if (command instanceof Command.DiscoverNow) {
            emitter.emit(new NodeEvent.DiscoverySent(discovery.round()));
        } else if (command instanceof Command.ListPeers) {
            emitter.emit(new NodeEvent.PeersReport(peers()));
        } else if (command instanceof Command.ListTransfers) {
            emitter.emit(new NodeEvent.TransfersReport(transfers()));
        } else if (command instanceof Command.Browse) {
            browse(emitter::emit);
        } else if (command instanceof Command.ListFiles) {
            emitter.emit(new NodeEvent.FilesReport(files()));
            ctx.folder.rescan();
        } else if (command instanceof Command.GetStats) {
            emitter.emit(new NodeEvent.StatsReport(stats()));
        } else if (command instanceof Command.SetTrace t) {
            ctx.trace.set(t.on());
        } else if (command instanceof Command.SetRateLimit r) {
            (r.direction() == Command.Direction.UPLOAD ? transfers.uploadLimit() : transfers.downloadLimit())
                    .setRate(r.bytesPerSecond());
            emitter.emit(rateLimits());
        }
    }

    /** The rate limits in force now. */
    NodeEvent.RateLimits rateLimits() {
        return new NodeEvent.RateLimits(transfers.uploadLimit().rate(), transfers.downloadLimit().rate());
    }

    /** Announces that the node serves. */
    void emitReady(NodeEvent.Ready ready) {
        emitter.emit(ready);
    }

    /** Scans of the shared folder finished so far (the first one starts when the node opens). */
    int scansDone() {
        return ctx.folder.scansDone();
    }

    /** Asks the peers that can browse what they share; {@code then} gets the merged table (on the loop). */
    void browse(java.util.function.Consumer<NodeEvent.BrowseReport> then) {
        browsing.browse(table -> {
            List<NodeEvent.SharedFile> files = new ArrayList<>();
            table.forEach(e -> files.add(new NodeEvent.SharedFile(e.name(), e.size(), e.sha256(), e.peers())));
            int[] counts = browsing.lastCounts();
            then.accept(new NodeEvent.BrowseReport(files, counts[0], counts[1]));
        });
    }

    /** The shared files, by name. */
    List<NodeEvent.FileInfo> files() {
        List<NodeEvent.FileInfo> files = new ArrayList<>();
        ctx.folder.entries().forEach(e -> files.add(new NodeEvent.FileInfo(e.name(), e.size(), ctx.folder.digest(e))));
        return files;
    }

    /** Running transfers, then recent ones. */
    List<NodeEvent.TransferInfo> transfers() {
        List<NodeEvent.TransferInfo> out = new ArrayList<>();
        for (Transfers.Snapshot t : transfers.snapshot()) {
            out.add(new NodeEvent.TransferInfo(t.direction(), t.name(), t.peer(), t.bytes(), t.size(), t.state(),
                    t.elapsedNanos()));
        }
        return out;
    }

    /** The cluster list. */
    List<NodeEvent.PeerInfo> peers() {
        long now = ctx.loop.now();
        List<NodeEvent.PeerInfo> out = new ArrayList<>();
        for (Cluster.Peer p : cluster.peers()) {
            long ago = p.heard() ? (now - p.lastHeard()) / 1_000_000 : -1;
            out.add(new NodeEvent.PeerInfo(p.address(), p.via(), ago,
                    p.endpoint() != null && cluster.isPriority(p.endpoint()),
                    p.extended() ? (p.version().isEmpty() ? "p2pnio" : p.version()) : "", p.instance(),
                    p.liveness().word()));
        }
        return out;
    }

    /** The counters, then a new turn window (the turn histogram and the longest turn start empty). */
    NodeStats statsRestartingTurns() {
        NodeStats now = stats();
        ctx.loop.stats().restartTurnWindow();
        return now;
    }

    /** A snapshot of every counter. */
    NodeStats stats() {
        Counters c = ctx.counters;
        EventLoop loop = ctx.loop;
        var l = loop.stats();
        return new NodeStats(c.datagramsIn, c.datagramsOut, c.droppedByReason(), c.bytesSent, c.bytesReceived,
                c.uploadsOpen, c.downloadsOpen, c.uploadsDone, c.downloadsDone, c.uploadsFailed, c.downloadsFailed,
                c.connectionsRefused, loop.wakeups(), l.turns, l.selectNanos, l.handlerNanos, l.longestTurnNanos,
                loop.queueDepth(), l.tasksRun, loop.timers().pending(), l.timersFired, c.transferToCalls,
                cluster == null ? 0 : cluster.size(), ctx.folder.size(), c.datagramBytesOut,
                discovery == null ? 0 : discovery.longestRoundNanos(), c.quietErrors,
                l.turnTimes.percentile(0.5), l.turnTimes.percentile(0.99), l.turnTimes.percentile(0.999),
                l.longestTurn, c.rangesServed, c.rangesRefusedByReason(), cpu(l.turnCpuTimes, 0.5),
                cpu(l.turnCpuTimes, 0.99), cpu(l.turnCpuTimes, 0.999), l.allocationTurns == 0 ? -1 : l.allocatedBytes,
                l.turnCpuTimes.count() == 0 ? -1 : l.longestCpuTurnNanos, l.longestCpuTurn,
                Map.of("total", l.slowTurns, "onCpu", l.slowOnCpu, "waitingForCpu", l.slowWaitingForCpu,
                        "blocked", l.slowBlocked), List.copyOf(l.slowTurnSamples));
    }

    /** A percentile of the turns' CPU times; -1 when none was measured. */
    private static long cpu(p2pnio.loop.TurnHistogram h, double fraction) {
        return h.count() == 0 ? -1 : h.percentile(fraction);
    }

    /** Fails what is pending (partial files deleted) and closes every channel. Loop thread. */
    void shutdown(String reason) {
        if (requests != null) {
            requests.failAll(reason);
        }
        if (transfers != null) {
            transfers.closeAll(reason);
        }
        if (control != null) {
            control.close();
        }
    }
}
