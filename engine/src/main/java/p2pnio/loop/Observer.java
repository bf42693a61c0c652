package p2pnio.loop;

import java.nio.channels.SelectionKey;

/**
 * Hears what each turn of the {@link EventLoop} does, as it does it: the trace, the step
 * report and Flight Recorder listen this way. Every method runs on the loop thread and must
 * return quickly; all of them do nothing unless overridden.
 */
public interface Observer {
    /** The turn's work begins (the clock was read): its first handler, task or timer runs next. */
    default void turnStarted(Turn turn) { }

    /** {@code select} reported {@code key} ready; its handler runs next. */
    default void ready(SelectionKey key) { }

    /**
     * {@code select} is done: {@code turn.selected()} keys were ready and their handlers ran
     * (0 keys when a timer came due or another thread woke the selector).
     */
    default void selected(Turn turn) { }

    /** A task from the mailbox is about to run. */
    default void taskRunning(Runnable task) { }

    /** A timer is about to run. */
    default void timerFired(Timers.Timer timer) { }

    /** The turn is over; {@code turn} says what it did (valid until the next turn). */
    default void turnEnded(Turn turn) { }

    /** An observer that tells this one, then {@code next}, of everything. */
    default Observer andThen(Observer next) {
        Observer first = this;
        return new Observer() {
            @Override
            public void turnStarted(Turn turn) {
                first.turnStarted(turn);
                next.turnStarted(turn);
            }

            @Override
            public void ready(SelectionKey key) {
                first.ready(key);
                next.ready(key);
            }

            @Override
            public void selected(Turn turn) {
                first.selected(turn);
                next.selected(turn);
            }

            @Override
            public void taskRunning(Runnable task) {
                first.taskRunning(task);
                next.taskRunning(task);
            }

            @Override
            public void timerFired(Timers.Timer timer) {
                first.timerFired(timer);
                next.timerFired(timer);
            }

            @Override
            public void turnEnded(Turn turn) {
                first.turnEnded(turn);
                next.turnEnded(turn);
            }
        };
    }
}
