package p2pnio.core;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import p2pnio.loop.EventLoop;
import p2pnio.loop.OffLoop;
import p2pnio.share.SharedFolder;

/**
 * What every part of a running node shares: its loop, settings, counters, folder, trace, and the
 * way out for events. One per node; used on the loop thread.
 */
public final class Context {
    public final EventLoop loop;
    public final Settings config;
    public final Counters counters = new Counters();
    public final SharedFolder folder;
    public final Trace trace;
    /** Where file-system calls that may stall go, off the loop, their results coming back to it. */
    public final OffLoop files;
    /** Where the parts report news; never waits. */
    public final Events events;
    /** The one thread that checks downloads against their SHA-256 ({@code p2pnio.share.Verifier}). */
    public final Executor verifying;

    public Context(EventLoop loop, Settings config, SharedFolder folder, Trace trace, Events events, OffLoop files) {
        this(loop, config, folder, trace, events, files, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "p2p-verify");
            t.setDaemon(true);
            return t;
        }));
    }

    public Context(EventLoop loop, Settings config, SharedFolder folder, Trace trace, Events events, OffLoop files,
                   Executor verifying) {
        this.verifying = verifying;
        this.loop = loop;
        this.files = files;
        this.config = config;
        this.folder = folder;
        this.trace = trace;
        this.events = events;
    }

    /**
     * Closes {@code resource} (null is fine) at the end of its use, where a failure to close
     * changes nothing for anyone: the failure is counted ({@link Counters#quietErrors}) and traced,
     * never thrown. The one way the engine closes things quietly. Loop thread only.
     *
     * @param what names the resource in the trace, e.g. {@code "upload#3 channel"}
     */
    public void closeQuietly(AutoCloseable resource, String what) {
        if (resource == null) {
            return;
        }
        if (trace.on()) {
            trace.line("close " + what);
        }
        try {
            resource.close();
        } catch (Exception e) {
            quiet(what + ": close failed", e);
        }
    }

    /**
     * Records an exception the engine deliberately goes on after (it changes nothing for a
     * transfer or a peer): counted in {@link Counters#quietErrors} and traced. Loop thread only.
     */
    public void quiet(String what, Exception e) {
        counters.quietErrors++;
        if (trace.on()) {
            trace.line("quiet error: " + what + ": " + e);
        }
    }
}
