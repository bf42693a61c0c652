package p2pnio.hostile;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (nodes, fake peers), closed in reverse order at its end. */
final class Closer implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Keeps {@code c} to close at the end, and returns it. */
    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }
}
