package p2pnio;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a node's counters, taken on the loop thread.
 *
 * @param datagramsIn        datagrams received
 * @param datagramsOut       datagrams sent
 * @param dropped            datagrams (or entries of one) dropped, by reason
 * @param bytesSent          file bytes uploaded
 * @param bytesReceived      file bytes downloaded
 * @param uploadsOpen        upload connections open now
 * @param downloadsOpen      download connections open now
 * @param uploadsDone        uploads served in full
 * @param downloadsDone      downloads completed
 * @param uploadsFailed      uploads that ended early
 * @param downloadsFailed    downloads that failed
 * @param connectionsRefused connections closed at once, or downloads not started, because a limit
 *                           ({@code maxUploads}, {@code maxDownloads}) was reached
 * @param selectorWakeups    times another thread woke the selector
 * @param loopTurns          turns of the loop
 * @param selectNanos        time blocked in select
 * @param handlerNanos       time spent in handlers, tasks and timers
 * @param longestTurnNanos   longest time one turn spent outside select, in the turn window (since the
 *                           start, or since the last {@link Node#statsRestartingTurns()}, like the
 *                           turn percentiles and {@code longestTurn})
 * @param commandsQueued     commands waiting in the queue now
 * @param commandsRun        commands and tasks run from the queue
 * @param timersPending      timers scheduled now
 * @param timersFired        timers that fired
 * @param transferToCalls    {@code transferTo} calls
 * @param peers              peers in the cluster list
 * @param sharedFiles        files in the index
 * @param datagramBytesOut   bytes of the datagrams sent
 * @param longestRoundNanos  the longest time one discovery round kept the loop busy
 * @param quietErrors        exceptions the node went on after on purpose (a failed close, an unreadable
 *                           sub-folder, ...): each is traced; a growing count is worth a look
 * @param turnP50Nanos       the median time of a loop turn's work (outside select), from a histogram
 *                           whose buckets are at most 12.5 % wide: each percentile is its bucket's
 *                           upper edge, never below the truth
 * @param turnP99Nanos       the time 99 % of the turns' work did not exceed
 * @param turnP999Nanos      the time 99.9 % of the turns' work did not exceed
 * @param longestTurn        what ran in the longest turn ({@code longestTurnNanos}): its handlers,
 *                           tasks and timers by name, in order
 * @param rangesServed       ranged requests answered with {@code RANGE} (issue #12, docs/protocol.md "Ranges")
 * @param rangesRefused      ranged requests answered with {@code REFUSED}, by reason token
 *                           ({@code malformed}, {@code missing}, {@code outside})
 * @param turnCpuP50Nanos    the median CPU time the loop thread used in a turn's work, in the turn
 *                           window; -1 unless {@link NodeConfig#measureTurnCpu()} (where the JVM can)
 * @param turnCpuP99Nanos    the CPU time 99 % of the turns' work did not exceed; -1 unless measured
 * @param turnCpuP999Nanos   the CPU time 99.9 % of the turns' work did not exceed; -1 unless measured
 * @param turnAllocatedBytes bytes the loop thread allocated in the turn window's work (handlers,
 *                           tasks, timers); -1 unless measured
 * @param longestCpuTurnNanos the most CPU time one turn's work used in the turn window; -1 unless measured
 * @param longestCpuTurn     what ran in that turn, named like {@code longestTurn}
 * @param slowTurns          turns of the turn window whose work took over 5 ms, counted by what kept
 *                           them long: {@code total}, then, of those measured ({@link
 *                           NodeConfig#measureTurnCpu()}), {@code onCpu} (over 5 ms on the CPU alone),
 *                           {@code waitingForCpu} (off it mostly runnable, waiting for a CPU) and
 *                           {@code blocked} (off it mostly blocked: a system call that sleeps, a safepoint)
 * @param slowTurnSamples    the first 100 slow turns of the window, each with its times and what ran
 */
public record NodeStats(long datagramsIn, long datagramsOut, Map<String, Long> dropped,
                        long bytesSent, long bytesReceived, int uploadsOpen, int downloadsOpen,
                        long uploadsDone, long downloadsDone, long uploadsFailed, long downloadsFailed,
                        long connectionsRefused, long selectorWakeups, long loopTurns, long selectNanos,
                        long handlerNanos, long longestTurnNanos, int commandsQueued, long commandsRun,
                        int timersPending, long timersFired, long transferToCalls, int peers,
                        int sharedFiles, long datagramBytesOut, long longestRoundNanos, long quietErrors,
                        long turnP50Nanos, long turnP99Nanos, long turnP999Nanos, String longestTurn,
                        long rangesServed, Map<String, Long> rangesRefused, long turnCpuP50Nanos,
                        long turnCpuP99Nanos, long turnCpuP999Nanos, long turnAllocatedBytes,
                        long longestCpuTurnNanos, String longestCpuTurn, Map<String, Long> slowTurns,
                        List<String> slowTurnSamples) {

    /** Datagrams dropped, all reasons together. */
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Mean bytes per {@code transferTo} call. */
    public double bytesPerTransferTo() {
        return transferToCalls == 0 ? 0 : (double) bytesSent / transferToCalls;
    }
}
