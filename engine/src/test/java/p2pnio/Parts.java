package p2pnio;

import java.util.function.Consumer;
import p2pnio.core.Events;
import p2pnio.core.Settings;

/**
 * For tests outside this package that put a node's parts together by hand (the membership
 * simulation, {@code p2pnio.sim}): the two things {@link NodeCore} hands the parts, which the
 * public API keeps to this package.
 */
public final class Parts {

    private Parts() {
    }

    /** The settings the parts read, as {@code config} gives them to a node. */
    public static Settings settings(NodeConfig config) {
        return config.settings();
    }

    /** Where the parts report: each report becomes the {@link NodeEvent} a node's listener would get. */
    public static Events events(Consumer<NodeEvent> to) {
        return new Emitter(to);
    }
}
