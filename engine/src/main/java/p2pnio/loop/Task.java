package p2pnio.loop;

import java.util.function.Consumer;

/**
 * Work posted to the loop with a name (for the trace and the step report) and what to do if the
 * loop stops before running it: every task is run or rejected, never silently dropped.
 *
 * @param name     what the task is, for people: {@code "query stats"}, {@code "command Fetch[...]"}
 * @param action   the work, run on the loop thread
 * @param onReject told why, on the loop thread, when the loop stopped with the task still queued
 */
public record Task(String name, Runnable action, Consumer<String> onReject) implements Runnable {

    /** A task with nothing to do when rejected (it is still counted). */
    public static Task of(String name, Runnable action) {
        return new Task(name, action, why -> { });
    }

    @Override
    public void run() {
        action.run();
    }

    @Override
    public String toString() {
        return name;
    }
}
