package p2pnio.testkit;

import java.util.Random;

/**
 * Seeds for tests that generate their inputs: a fresh seed each run (so the runs of a suite
 * explore new inputs over time) unless {@code -Dp2p.seed=N} repeats one, and a failure that names
 * its seed and how to repeat it.
 */
public final class Seeds {

    /** The system property that fixes the seed: {@code mvn ... -Dp2p.seed=N}. */
    public static final String PROPERTY = "p2p.seed";

    /** What a seeded test does with its generator. */
    @FunctionalInterface
    public interface Body {
        void run(Random random) throws Exception;
    }

    private Seeds() {
    }

    /** The seed to use: {@code -Dp2p.seed} if set, else a fresh one. */
    public static long pick() {
        Long fixed = Long.getLong(PROPERTY);
        return fixed != null ? fixed : new Random().nextLong();
    }

    /**
     * Runs {@code body} with a generator seeded by {@link #pick()}; if it fails, the failure says
     * {@code what} failed with which seed and how to run it again with the same inputs.
     */
    public static void run(String what, Body body) throws Exception {
        long seed = pick();
        try {
            body.run(new Random(seed));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(what + " failed with seed " + seed + " (repeat it with -D" + PROPERTY + "="
                    + seed + "): " + e.getMessage(), e);
        }
    }
}
