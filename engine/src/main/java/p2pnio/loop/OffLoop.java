package p2pnio.loop;

import java.io.IOException;
import java.util.concurrent.Executor;

/**
 * Work that may stall the loop, done on a helper thread instead: the file-system calls of the
 * transfers (open, create, link, delete, the free-space check), whose time depends on the disk
 * and may reach milliseconds or seconds. A job runs on one helper thread, in the order the loop
 * handed jobs over (so a file's clean-up always runs after its creation), and its result comes
 * back to the loop through the mailbox ({@link EventLoop#executeAlways}), as the folder scan's
 * does. The loop never waits for it: a connection that needs the result sits in a state with no
 * interest ops until it comes.
 *
 * <p>Reading and writing the bytes of a file already open stays on the loop (a write to the page
 * cache, {@code transferTo}): this is for the calls that walk directories or wait on metadata.
 */
public final class OffLoop {

    /** A job that may block; runs on the helper thread. */
    @FunctionalInterface
    public interface Job<T> {
        T run() throws IOException;
    }

    /** What the loop does with a job's outcome: its value, or the failure (then the value is null). */
    @FunctionalInterface
    public interface Then<T> {
        void accept(T value, IOException failure);
    }

    private final EventLoop loop;
    private final Executor thread;

    /**
     * @param loop   where results go
     * @param thread runs the jobs one at a time, in order (a single-thread executor)
     */
    public OffLoop(EventLoop loop, Executor thread) {
        this.loop = loop;
        this.thread = thread;
    }

    /**
     * Runs {@code job} on the helper thread, then {@code then} on the loop with its outcome. A
     * runtime exception of the job arrives as an {@link IOException} whose cause it is.
     *
     * @param what names the job in failures, e.g. {@code "open 'a.bin'"}
     */
    public <T> void submit(String what, Job<T> job, Then<T> then) {
        thread.execute(() -> {
            T value = null;
            IOException failure = null;
            try {
                value = job.run();
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(what + ": " + e, e);
            }
            T v = value;
            IOException f = failure;
            loop.executeAlways(Task.of(what + ": done on the file thread", () -> then.accept(v, f)));
        });
    }
}
