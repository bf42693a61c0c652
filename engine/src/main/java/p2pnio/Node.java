package p2pnio;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.function.LongSupplier;
import javax.management.JMException;
import p2pnio.core.Context;
import p2pnio.core.Trace;
import p2pnio.loop.EventLoop;
import p2pnio.loop.OffLoop;
import p2pnio.loop.Task;
import p2pnio.secure.SecureMode;
import p2pnio.share.Digests;
import p2pnio.share.SharedFolder;

/**
 * A running node: one loop thread that owns every channel, plus three helper threads that never
 * touch one (the event thread, which calls the listener; the background thread, which scans the
 * shared folder and resolves host names; and the file thread, which makes the file-system calls
 * that could stall the loop: opening, creating, linking and deleting files).
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
    private final ExecutorService files;
    /** Hashes shared files and verifies downloads ({@link Digests}): never the loop, never the file thread. */
    private final ExecutorService hashing;
    /** Checks downloads against their SHA-256 ({@link p2pnio.share.Verifier}). */
    private final ExecutorService verifying;
    private final Trace trace;
    private final NodeCore core;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final NodeListener listener;
    private volatile Thread eventThread;
    private Thread loopThread;
    private volatile NodeEvent.Ready ready;
    private final StepRecorder steps;
    private final NodeJmx jmx = new NodeJmx(this);

    private Node(NodeConfig config, NodeListener listener, PrintStream traceOut, LongSupplier clock)
            throws IOException {
        // Files and key generation before any thread starts: a bad secret fails the start with nothing to stop.
        SecureMode secure = config.secure() ? SecureMode.load(config.secret(), config.identity(), config.clockSkew()) : null;
        this.config = config;
        this.listener = listener;
        this.loop = new EventLoop(config.mailboxCapacity(), clock);
        loop.tasksPerTurn(config.tasksPerTurn());
        loop.measureCpu(config.measureTurnCpu());
        String tag = config.host() + ":" + config.port();
        this.events = Executors.newSingleThreadExecutor(r -> eventThread = daemon(r, "p2p-events " + tag));
        this.background = Executors.newSingleThreadExecutor(r -> lowPriority(r, "p2p-background " + tag));
        this.files = Executors.newSingleThreadExecutor(r -> lowPriority(r, "p2p-files " + tag));
        this.hashing = Executors.newSingleThreadExecutor(r -> lowPriority(r, "p2p-hash " + tag));
        this.verifying = Executors.newSingleThreadExecutor(r -> lowPriority(r, "p2p-verify " + tag));
        this.trace = new Trace(traceOut, TRACE_LINES_PER_SECOND);
        SharedFolder folder = new SharedFolder(config.folder(), loop, background);
        folder.hashWith(new Digests(folder.root(), loop, hashing));
        Emitter emitter = new Emitter(this::deliver);
        Context ctx = new Context(loop, config.settings(), folder, trace, emitter, new OffLoop(loop, files), verifying);
        this.core = new NodeCore(ctx, config, emitter, background, secure);
        loop.onFailure((what, e) -> emitter.warning(what + " failed: " + e));
        loop.observe(new LoopTrace(trace));
        this.steps = new StepRecorder(trace, this::onEventThread);
        loop.observe(steps);
        loop.observe(new LoopTurnRecorder(trace));
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
        return start(config, listener, traceOut, null);
    }

    /**
     * Starts a node whose loop reads {@code clock} (monotonic nanoseconds) instead of
     * {@code System.nanoTime()}: its timers (delays, deadlines, timeouts, rounds) follow that
     * clock, so a test moves time instead of waiting for it. See {@link #timersRanAt}.
     */
    static Node start(NodeConfig config, NodeListener listener, PrintStream traceOut, LongSupplier clock)
            throws IOException {
        Node node = new Node(config, listener, traceOut, clock);
        node.startLoop();
        return node;
    }

    /**
     * Completes at the end of the first turn whose time is at least {@code time} on the loop's
     * clock, after that turn's due timers ran: what a test waits for after moving the clock.
     */
    CompletableFuture<Void> timersRanAt(long time) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (loop.now() - time >= 0) {
                    // Due now, scheduled after every timer due now: it runs last in this turn's pass.
                    loop.timers().at(loop.now(), "timers ran", () -> done.complete(null));
                } else {
                    loop.executeAlways(this); // this turn read the clock before it moved: check the next one
                }
            }

            @Override
            public String toString() {
                return "wait for the timers due at " + time;
            }
        };
        loop.executeAlways(check);
        return done;
    }

    private void startLoop() throws IOException {
        CompletableFuture<NodeEvent.Ready> opened = new CompletableFuture<>();
        loop.executeAlways(new Task("open the node", () -> {
            try {
                NodeEvent.Ready r = core.open();
                ready = r;
                core.emitReady(r);
                opened.complete(r);
            } catch (IOException | RuntimeException e) {
                opened.completeExceptionally(e);
                loop.stop();
            }
        }, why -> opened.completeExceptionally(new IOException("the node stopped before it opened: " + why))));
        loopThread = new Thread(this::runLoop, "p2p-loop " + config.host() + ":" + config.port());
        loopThread.start();
        try {
            opened.get(30, TimeUnit.SECONDS);
            if (config.jmx()) {
                // The platform MBean server starts on first use (a few hundred ms): not on the way to serving.
                background.execute(this::registerMBean);
            }
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
            steps.abort();
            // What the shutdown handed to the file thread (deleting partial files, putting a
            // finished one in place) completes before the node is reported stopped.
            files.shutdown();
            awaitQuietly(files);
            deliver(new NodeEvent.Stopped(failure));
            events.shutdown();
            background.shutdownNow();
            hashing.shutdownNow();
            verifying.shutdownNow();
            // Neither writes into the folder once the node is reported stopped (the digest cache
            // written after a close raced the deletion of a test's folder).
            awaitQuietly(hashing);
            awaitQuietly(verifying);
            stopped.complete(null);
        }
    }

    private void deliver(NodeEvent event) {
        try {
            events.execute(() -> {
                try {
                    listener.onEvent(event);
                } catch (RuntimeException e) {
                    System.err.println(Visible.text("p2p: listener failed on " + event + ": " + e));
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
        if (!loop.execute(new Task("command " + command, () -> core.handle(command), why -> notRun(command, why)))) {
            throw new IllegalStateException(loop.isStopping() ? "the node has stopped"
                    : "the node's command queue is full (" + config.mailboxCapacity() + ")");
        }
    }

    /** A command still queued when the loop stopped: say so, as the command's own outcome where it has one. */
    private void notRun(Command command, String why) {
        String reason = "the node stopped before carrying out " + command + " (" + why + ")";
        deliver(command instanceof Command.Fetch f ? new NodeEvent.DownloadFailed(f.name(), reason)
                : new NodeEvent.Warning(reason));
    }

    /** The node's counters, read on the loop. */
    public CompletableFuture<NodeStats> stats() {
        return query("stats", NodeCore::stats);
    }

    /**
     * The node's counters, read on the loop as {@link #stats()} does, and in the same task a new
     * turn window: the turn percentiles and the longest turn of the next reading cover only the
     * turns between the two (the other counters keep counting since the start). A benchmark
     * calls it before its measured phase and reads after it, so that the node's start (binding,
     * class loading, the first index scan) and the warm-up stay out of its figures.
     */
    public CompletableFuture<NodeStats> statsRestartingTurns() {
        return query("stats, restarting the turn window", NodeCore::statsRestartingTurns);
    }

    /** The cluster list, read on the loop. */
    public CompletableFuture<List<NodeEvent.PeerInfo>> peers() {
        return query("peers", NodeCore::peers);
    }

    /** Running and recent transfers, read on the loop. */
    public CompletableFuture<List<NodeEvent.TransferInfo>> transfers() {
        return query("transfers", NodeCore::transfers);
    }

    /** The rate limits in force now (they change with {@link Command.SetRateLimit}), read on the loop. */
    public CompletableFuture<NodeEvent.RateLimits> rateLimits() {
        return query("rate limits", NodeCore::rateLimits);
    }

    /**
     * What the peers that can browse share (issue 11): asks them, and completes (on the event
     * thread) with the merged table within about 2 s.
     */
    public CompletableFuture<NodeEvent.BrowseReport> browse() {
        CompletableFuture<NodeEvent.BrowseReport> answer = new CompletableFuture<>();
        Task task = new Task("browse", () -> core.browse(report -> answer(answer, report, null)),
                why -> answer(answer, null, new IllegalStateException("the node stopped before answering: " + why)));
        if (!loop.execute(task)) {
            answer.completeExceptionally(new IllegalStateException(loop.isStopping() ? "the node has stopped"
                    : "the node's command queue is full (" + config.mailboxCapacity() + ")"));
        }
        return answer;
    }

    /** The shared files, read on the loop. */
    public CompletableFuture<List<NodeEvent.FileInfo>> files() {
        return query("files", NodeCore::files);
    }

    /**
     * Runs {@code question} on the loop and completes the future with its answer on the event
     * thread, so code chained to the future never runs on the loop. The future always completes:
     * exceptionally when the question throws, when the queue is full, or when the node stops
     * before the question is asked.
     */
    <T> CompletableFuture<T> query(String what, Function<NodeCore, T> question) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Task task = new Task("query " + what, () -> {
            T value;
            try {
                value = question.apply(core);
            } catch (RuntimeException | Error e) {
                answer(answer, null, e);
                throw e; // a bug: the loop reports it (an Error stops the node)
            }
            answer(answer, value, null);
        }, why -> answer(answer, null, new IllegalStateException("the node stopped before answering: " + why)));
        if (!loop.execute(task)) {
            answer.completeExceptionally(new IllegalStateException(loop.isStopping() ? "the node has stopped"
                    : "the node's command queue is full (" + config.mailboxCapacity() + ")"));
        }
        return answer;
    }

    /** Completes {@code answer} on the event thread (directly once that thread is gone). */
    private <T> void answer(CompletableFuture<T> answer, T value, Throwable failure) {
        onEventThread(() -> {
            if (failure == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(failure);
            }
        });
    }

    /**
     * Pauses the loop between its current turn and the next: step mode. The node's sockets keep
     * queueing what arrives in the kernel and its timers come due, but nothing runs until
     * {@link #step} or {@link #resume}; commands, queries ({@link #stats()}, ...) and
     * {@link #close()} still work: the first two wait in the queue for a step, and close ends the
     * pause. The future completes once the loop waits between two turns.
     */
    public CompletableFuture<Void> pause() {
        return loop.pause();
    }

    /**
     * Runs {@code turns} turns of a paused loop and reports, for each, what {@code select}
     * returned, which handlers ran with which state transitions, and which tasks and timers ran
     * (a {@link LoopStep} each, in order). Each turn waits in {@code select} as the running loop
     * would: until its next timer is due, a key is ready or a task arrives. Timers that came due
     * while paused fire in the next step.
     *
     * @throws IllegalStateException if the node is not paused, or a step is still running
     */
    public CompletableFuture<List<LoopStep>> step(int turns) {
        return step(turns, null);
    }

    /**
     * Like {@link #step(int)}, but no turn waits in {@code select} longer than {@code atMost}: a
     * turn in which nothing came is reported as {@code select} returning no key. For people at a
     * console, who should not wait for an event that is not coming.
     */
    public CompletableFuture<List<LoopStep>> step(int turns, Duration atMost) {
        if (turns < 1) {
            throw new IllegalArgumentException("turns must be at least 1, got " + turns);
        }
        if (!loop.isPaused()) {
            throw new IllegalStateException("the node is not paused: pause() it first");
        }
        CompletableFuture<List<LoopStep>> report = new CompletableFuture<>();
        steps.expect(turns, report);
        loop.step(turns, atMost == null ? -1 : Math.max(1, atMost.toNanos()));
        return report;
    }

    /** Lets a paused loop run free again. */
    public void resume() {
        loop.resume();
    }

    /** True while the node is paused (stepping or waiting between turns). */
    public boolean isPaused() {
        return loop.isPaused();
    }

    /** Runs {@code r} on the node's event thread (at once if that thread has gone). */
    private void onEventThread(Runnable r) {
        try {
            events.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
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
    private void registerMBean() {
        try {
            jmx.register();
        } catch (JMException | RuntimeException e) {
            deliver(new NodeEvent.Warning("the node's counters are not shown over JMX: " + e));
        }
    }

    @Override
    public void close() {
        try {
            jmx.unregister();
        } catch (JMException | RuntimeException e) {
            System.err.println("p2p: could not unregister the node's MXBean: " + e);
        }
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

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                System.err.println("p2p: file work (file, hash or verify thread) still running 30 s after the node stopped");
            }
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

    /**
     * A background thread (folder listing, file thread, hashing, verifying) at
     * {@link Thread#MIN_PRIORITY}, below the loop's normal priority: when both are runnable on a
     * busy CPU, the loop goes first, so a turn does not wait behind a SHA-256 of a GiB. HotSpot on
     * Linux applies Java priorities only with {@code -XX:ThreadPriorityPolicy=1} (then
     * {@code MIN_PRIORITY} is nice 4, or what {@code -XX:JavaPriority1_To_OSPriority} says; lowering
     * works as any user, with a warning when not root); without the flag every thread keeps the
     * process's nice value, as before (README, "Loop turns and thread priorities").
     */
    private static Thread lowPriority(Runnable r, String name) {
        Thread t = daemon(r, name);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    }
}
