package p2pnio.cli.settings;

/**
 * A mistake in how the program was called: a bad option, environment variable or config.yml
 * value. The message names the setting and where it came from; the program exits with status 2.
 */
public final class UsageError extends RuntimeException {

    /** A usage error with a message that names the bad setting. */
    public UsageError(String message) {
        super(message);
    }
}
