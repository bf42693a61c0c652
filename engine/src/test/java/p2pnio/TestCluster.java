package p2pnio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Starts nodes on loopback with free ports and temporary folders, and closes them all. */
public final class TestCluster implements AutoCloseable {

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Recorder> recorders = new ArrayList<>();

    public TestCluster(Path root) {
        this.root = root;
    }

    /** Starts a node whose folder is {@code root/name}; {@code tune} may change its settings. */
    public Node start(String name, UnaryOperator<NodeConfig.Builder> tune) throws IOException {
        return start(name, tune, null);
    }

    /** Starts a node on {@code clock} (null: the real clock) whose folder is {@code root/name}. */
    public Node start(String name, UnaryOperator<NodeConfig.Builder> tune, TestClock clock) throws IOException {
        Path folder = Files.createDirectories(root.resolve(name));
        Recorder recorder = new Recorder();
        NodeConfig config = tune.apply(NodeConfig.builder().port(0).folder(folder)
                .period(Duration.ofMillis(200)).delay(Duration.ZERO).waiting(Duration.ofSeconds(20))).build();
        Node node = clock == null ? Node.start(config, recorder) : clock.start(config, recorder);
        nodes.add(node);
        recorders.add(recorder);
        return node;
    }

    /** The recorder of {@code node}. */
    public Recorder events(Node node) {
        return recorders.get(nodes.indexOf(node));
    }

    /** The folder of {@code node}. */
    public static Path folder(Node node) {
        return node.config().folder();
    }

    /**
     * Puts {@code content} into {@code node}'s folder as {@code name} at once: written beside the
     * folder, then moved in atomically, so the node's index never sees it half-written (a file
     * written in place while the node runs may be indexed, and answered, at a size it does not have).
     */
    public static Path share(Node node, String name, byte[] content) throws IOException {
        Path folder = folder(node);
        Path staged = Files.write(folder.resolveSibling("." + folder.getFileName() + "-" + name + ".staged"), content);
        return Files.move(staged, folder.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Names of partial downloads (and their records) left in a folder, sorted. */
    public static List<String> partials(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(p2pnio.wire.Names::isOurPartialFile).sorted().toList();
        }
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            n.close();
        }
    }
}
