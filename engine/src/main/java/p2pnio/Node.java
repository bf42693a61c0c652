package p2pnio;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.share.SharedFolder;

/**
 * A running node: one loop thread that owns every channel, plus two helper threads that never
 * touch one (the event thread, which calls the listener, and the background thread, which scans
 * the shared folder and resolves host names).
 *
 * <pre>{@code
 * try (Node node = Node.start(config, event -> System.out.println(event))) {
 *     node.post(new Command.Fetch("movie.mkv"));
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #post}, the queries and {@link #close} may be called from any thread.
 */
public final class Node implements AutoCloseable {

    private static final int TRACE_LINES_PER_SECOND = 2000;

    private final NodeConfig config;
    private final EventLoop loop;
    private final ExecutorService events;
    private final ExecutorService background;
    private final Trace trace;
    private final NodeCore core;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final NodeListener listener;
    private volatile Thread eventThread;
    private Thread loopThread;
    private volatile NodeEvent.Ready ready;

    private Node(NodeConfig config, NodeListener listener, PrintStream traceOut) throws IOException {
        this.config = config;
        this.listener = listener;
        this.loop = new EventLoop(config.mailboxCapacity());
        String tag = config.host() + ":" + config.port();
        this.events = Executors.newSingleThreadExecutor(r -> eventThread = daemon(r, "p2p-events " + tag));
        this.background = Executors.newSingleThreadExecutor(r -> daemon(r, "p2p-background " + tag));
        this.trace = new Trace(traceOut, TRACE_LINES_PER_SECOND);
        SharedFolder folder = new SharedFolder(config.folder(), loop, background);
        Emitter emitter = new Emitter(this::deliver);
        Context ctx = new Context(loop, config.settings(), folder, trace, emitter);
        this.core = new NodeCore(ctx, config, emitter, background);
        loop.onFailure((what, e) -> emitter.warning(what + " failed: " + e));
        loop.observe(new LoopTrace(trace));
    }

    /** Starts a node that traces (when asked to) on standard error. */
    public static Node start(NodeConfig config, NodeListener listener) throws IOException {
        return start(config, listener, System.err);
    }

    /**
     * Starts a node and returns once both endpoints are bound and it serves.
     *
     * @param traceOut where the trace goes when switched on
     * @throws IOException if an endpoint cannot be bound (the port is taken, the host is not ours)
     */
    public static Node start(NodeConfig config, NodeListener listener, PrintStream traceOut) throws IOException {
        Node node = new Node(config, listener, traceOut);
        node.startLoop();
        return node;
    }

    private void startLoop() throws IOException {
        CompletableFuture<NodeEvent.Ready> opened = new CompletableFuture<>();
        loop.executeAlways(() -> {
            try {
                NodeEvent.Ready r = core.open();
                ready = r;
                core.emitReady(r);
                opened.complete(r);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                loop.stop();
            }
        });
        loopThread = new Thread(this::runLoop, "p2p-loop " + config.host() + ":" + config.port());
        loopThread.start();
        try {
            opened.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            joinQuietly();
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io
                    : new IOException("node failed to start: " + cause.getMessage(), cause);
        } catch (TimeoutException | InterruptedException e) {
            close();
            throw new IOException("node did not start within 30 s", e);
        }
    }

    private void runLoop() {
        Throwable failure = null;
        try {
            loop.run(() -> core.shutdown("node stopped"));
        } catch (Throwable t) {
            failure = t;
        } finally {
            deliver(new NodeEvent.Stopped(failure));
            events.shutdown();
            background.shutdownNow();
            stopped.complete(null);
        }
    }

    private void deliver(NodeEvent event) {
        try {
            events.execute(() -> {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    System.err.println("p2p: listener failed on " + event + ": " + e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Only after the node stopped (its event thread is gone): nobody is left to hear it.
            System.err.println("p2p: event not delivered, the node has stopped: " + event);
        }
    }

    /**
     * The files a node sharing {@code folder} serves, by name, read now on the calling thread: a
     * walk of the folder that needs no node (sub-folders flattened; links, partial downloads and
     * unreadable sub-folders left out, as the node's own index leaves them out).
     */
    public static List<NodeEvent.FileInfo> sharedFiles(Path folder) {
        List<NodeEvent.FileInfo> files = new ArrayList<>();
        SharedFolder.scan(folder).values().forEach(e -> files.add(new NodeEvent.FileInfo(e.name(), e.size())));
        files.sort(Comparator.comparing(NodeEvent.FileInfo::name));
        return files;
    }

    /** The bound UDP control endpoint. */
    public InetSocketAddress controlAddress() {
        return ready.control();
    }

    /** The bound TCP transfer endpoint. */
    public InetSocketAddress transferAddress() {
        return ready.transfer();
    }

    /** This node's address as peers write it, {@code host:port} of the control endpoint. */
    public String address() {
        return PeerAddress.of(ready.control());
    }

    /** The configuration it runs with. */
    public NodeConfig config() {
        return config;
    }

    /**
     * Queues a command for the loop and wakes it (once per burst). Answers come as events.
     *
     * @throws IllegalStateException if the node has stopped or its command queue is full
     */
    public void post(Command command) {
        if (!loop.execute(() -> core.handle(command))) {
            throw new IllegalStateException(loop.isStopping() ? "the node has stopped"
                    : "the node's command queue is full (" + config.mailboxCapacity() + ")");
        }
    }

    /** The node's counters, read on the loop. */
    public CompletableFuture<NodeStats> stats() {
        return query(NodeCore::stats);
    }

    /** The cluster list, read on the loop. */
    public CompletableFuture<List<NodeEvent.PeerInfo>> peers() {
        return query(NodeCore::peers);
    }

    /** Running and recent transfers, read on the loop. */
    public CompletableFuture<List<NodeEvent.TransferInfo>> transfers() {
        return query(NodeCore::transfers);
    }

    /** The rate limits in force now (they change with {@link Command.SetRateLimit}), read on the loop. */
    public CompletableFuture<NodeEvent.RateLimits> rateLimits() {
        return query(NodeCore::rateLimits);
    }

    /** The shared files, read on the loop. */
    public CompletableFuture<List<NodeEvent.FileInfo>> files() {
        return query(NodeCore::files);
    }

    /**
     * Runs {@code question} on the loop and completes the future with its answer on the event
     * thread, so code chained to the future never runs on the loop.
     */
    private <T> CompletableFuture<T> query(Function<NodeCore, T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        boolean queued = loop.execute(() -> {
            T value = question.apply(core);
            try {
                events.execute(() -> answer.complete(value));
            } catch (RejectedExecutionException e) {
                answer.complete(value);
            }
        });
        if (!queued) {
            answer.completeExceptionally(new IllegalStateException("the node has stopped or its queue is full"));
        }
        return answer;
    }

    /** Turns the trace on or off. */
    public void trace(boolean on) {
        trace.set(on);
    }

    /** Completes when the loop thread has ended. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    /** True on this node's loop thread. */
    public boolean isLoopThread() {
        return loop.inLoop();
    }

    /**
     * Stops the node: waiting requests and running downloads fail (their partial files are
     * deleted), uploads are cut, every channel is closed, and the loop thread is joined. Callable
     * from any thread, more than once.
     */
    @Override
    public void close() {
        loop.stop();
        if (Thread.currentThread() != loopThread) {
            joinQuietly();
        }
        trace.close();
        if (Thread.currentThread() == eventThread) {
            return; // closed from the listener: the event thread ends once this event returns
        }
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void joinQuietly() {
        try {
            if (loopThread != null) {
                loopThread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
