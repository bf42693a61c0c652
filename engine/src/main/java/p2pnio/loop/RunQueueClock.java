package p2pnio.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The time one thread has spent runnable but waiting for a CPU, from Linux's
 * {@code /proc/thread-self/schedstat} (its second field, nanoseconds: the scheduler's
 * {@code run_delay}). Opened by the thread it measures, which alone reads it; read with one
 * positioned read into a buffer kept for the thread's life (no garbage per read). Where the file
 * does not exist (not Linux, or a kernel without schedstats), {@link #open()} returns null.
 *
 * <p>A thread reading its own value is on a CPU at that moment, so every wait before the read is
 * already counted: the difference of two reads is the time the thread waited for a CPU between
 * them, the part of a turn's wall-clock time that was the machine's scheduler, not the turn's work.
 */
final class RunQueueClock {
    private final FileChannel file;
    private final ByteBuffer buffer = ByteBuffer.allocate(128);

    private RunQueueClock(FileChannel file) {
        this.file = file;
    }

    /** The calling thread's clock; null where it cannot be read. */
    static RunQueueClock open() {
        try {
            RunQueueClock clock = new RunQueueClock(FileChannel.open(Path.of("/proc/thread-self/schedstat"),
                    StandardOpenOption.READ));
            if (clock.nanos() < 0) {
                clock.close();
                return null; // a kernel whose schedstat says no run-queue time: turns say -1
            }
            return clock;
        } catch (IOException | UnsupportedOperationException e) {
            return null; // not Linux, or no schedstats: turns say -1
        }
    }

    /** Nanoseconds the opening thread has waited for a CPU since it started; -1 if unreadable. */
    long nanos() {
        try {
            buffer.clear();
            int n = file.read(buffer, 0);
            // "<on-CPU ns> <run-queue wait ns> <time slices>\n": the second number
            int i = 0;
            while (i < n && buffer.get(i) != ' ') {
                i++;
            }
            long value = 0;
            int digits = 0;
            for (i++; i < n && buffer.get(i) >= '0' && buffer.get(i) <= '9'; i++, digits++) {
                value = value * 10 + (buffer.get(i) - '0');
            }
            return digits == 0 ? -1 : value;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Closes the file. */
    void close() throws IOException {
        file.close();
    }
}
