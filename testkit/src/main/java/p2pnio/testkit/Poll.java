package p2pnio.testkit;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting without sleeping as synchronisation: a condition is polled every few milliseconds until
 * it holds or a deadline passes, and the failure says what was awaited and what was seen last.
 */
public final class Poll {

    private static final long EVERY_MILLIS = 10;

    /** A condition that may throw while it is checked (a query to a node, a file that is read). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value that may throw while it is read. */
    @FunctionalInterface
    public interface Value<T> {
        T get() throws Exception;
    }

    private Poll() {
    }

    /**
     * Reads {@code value} until {@code done} holds and returns that value; after {@code timeout}
     * throws an {@link AssertionError} with the last value read.
     */
    public static <T> T until(Duration timeout, Value<T> value, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = read(value);
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
            }
            pause();
            last = read(value);
        }
        return last;
    }

    /** Waits until {@code condition} holds; after {@code timeout} fails, saying {@code what} was awaited. */
    public static void until(Duration timeout, String what, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!read(condition::holds)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            pause();
        }
    }

    private static <T> T read(Value<T> value) {
        try {
            return value.get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        } catch (Exception e) {
            throw new AssertionError("polled value threw", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(EVERY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while polling", e);
        }
    }
}
