package p2pnio.transfer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal moves of a state machine, as a table: the one place that says which state may follow
 * which. {@code moveTo} checks every move against it (an illegal move is a bug and throws), and a
 * test checks the diagrams in {@code docs/state-machines.md} against it, so code, checks and
 * drawings cannot drift apart.
 *
 * @param <S> the machine's state enum
 */
public final class Transitions<S extends Enum<S>> {

    private final S initial;
    private final Set<S> starts;
    private final Map<S, Set<S>> allowed;

    private Transitions(Class<S> type, S initial) {
        this.initial = initial;
        this.starts = EnumSet.of(initial);
        this.allowed = new EnumMap<>(type);
        for (S s : type.getEnumConstants()) {
            allowed.put(s, EnumSet.noneOf(type));
        }
    }

    /** A table whose machine starts in {@code initial}. */
    public static <S extends Enum<S>> Transitions<S> startingAt(S initial) {
        return new Transitions<>(initial.getDeclaringClass(), initial);
    }

    /** Lets a new machine enter {@code other} too (a secure connection starts with its TLS handshake). */
    public Transitions<S> orStartingAt(S other) {
        starts.add(other);
        return this;
    }

    /** Allows {@code from -> to} for each of {@code to}. */
    @SafeVarargs
    public final Transitions<S> allow(S from, S... to) {
        Collections.addAll(allowed.get(from), to);
        return this;
    }

    /** The state a new machine enters. */
    public S initial() {
        return initial;
    }

    /** Every state a new machine may enter: {@link #initial()} and those of {@link #orStartingAt}. */
    public Set<S> initials() {
        return Collections.unmodifiableSet(starts);
    }

    /** The states that may follow {@code from}. */
    public Set<S> from(S from) {
        return Collections.unmodifiableSet(allowed.get(from));
    }

    /** True if no move leaves {@code state}: the machine has ended (done or failed). */
    public boolean isFinal(S state) {
        return allowed.get(state).isEmpty();
    }

    /**
     * Throws unless {@code from -> to} is legal; {@code from} is null for a machine not yet started.
     */
    public void check(S from, S to) {
        boolean ok = from == null ? starts.contains(to) : allowed.get(from).contains(to);
        if (!ok) {
            throw new IllegalStateException("illegal transition " + (from == null ? "[start]" : from) + " -> " + to);
        }
    }
}
