package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules of the house that the compiler does not check, checked on the engine's own source. */
class EngineSourceTest {

    static final Path MAIN = Path.of("src", "main", "java");

    /** Every .java file of engine/src/main, with its text. */
    static List<Path> sources() throws IOException {
        try (Stream<Path> all = Files.walk(MAIN)) {
            return all.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** A catch block that holds nothing but comments and white space. */
    private static final Pattern EMPTY_CATCH =
            Pattern.compile("catch\\s*\\(([^)]*)\\)\\s*\\{(\\s*//[^\\n]*)*\\s*}");

    @Test
    void noExceptionIsSwallowedByAnEmptyCatchBlock() throws IOException {
        List<String> empty = new ArrayList<>();
        for (Path p : sources()) {
            String text = Files.readString(p);
            Matcher m = EMPTY_CATCH.matcher(text);
            while (m.find()) {
                int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                empty.add(MAIN.relativize(p) + ":" + line + " catch (" + m.group(1) + ")");
            }
        }
        assertThat(empty).as("empty catch blocks: count, trace or report what they catch (Context.quiet)").isEmpty();
    }

    @Test
    void nothingInTheEngineSleeps() throws IOException {
        List<String> sleeping = new ArrayList<>();
        for (Path p : sources()) {
            if (Files.readString(p).contains("Thread.sleep(")) {
                sleeping.add(MAIN.relativize(p).toString());
            }
        }
        assertThat(sleeping).as("Thread.sleep in engine/src/main: use a timer on the loop").isEmpty();
    }

    /** A reference to an engine type: {@code p2pnio.wire.Names} gives package {@code p2pnio.wire}. */
    private static final Pattern REFERENCE = Pattern.compile("\\bp2pnio((?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package (p2pnio[\\w.]*);", Pattern.MULTILINE);
    /** Comments and string literals, which name types without depending on them. */
    private static final Pattern NOT_CODE = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"",
            Pattern.DOTALL);

    /** Which engine packages each engine package uses (imports and fully qualified names), from the source. */
    static Map<String, Set<String>> packageGraph() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path p : sources()) {
            String text = Files.readString(p);
            Matcher pkg = PACKAGE.matcher(text);
            if (!pkg.find()) {
                continue; // module-info.java
            }
            Set<String> out = uses.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
            Matcher ref = REFERENCE.matcher(NOT_CODE.matcher(text).replaceAll(" "));
            while (ref.find()) {
                String used = "p2pnio" + ref.group(1);
                if (!used.equals(pkg.group(1))) {
                    out.add(used);
                }
            }
        }
        return uses;
    }

    /** A cycle in {@code graph} as the path {@code a -> b -> ... -> a}, or null if there is none. */
    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // absent: unvisited, 1: on the path, 2: done
        for (String start : graph.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = visit(start, graph, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      Deque<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null) {
            List<String> onPath = new ArrayList<>(path);
            List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(node), onPath.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.addLast(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.removeLast();
        state.put(node, 2);
        return null;
    }

    @Test
    void noPackageUsesOneThatUsesItBack() throws IOException {
        Map<String, Set<String>> graph = packageGraph();
        assertThat(graph).as("the engine's packages were found").containsKeys("p2pnio", "p2pnio.loop", "p2pnio.wire");
        List<String> cycle = findCycle(graph);
        assertThat(cycle).as("package cycle %s in %s", cycle == null ? "" : String.join(" -> ", cycle), graph).isNull();
    }

    @Test
    void theCycleFinderNamesACycle() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(findCycle(new TreeMap<>(graph))).containsExactly("a", "b", "c", "a");
        assertThat(findCycle(new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of())))).isNull();
    }
}
