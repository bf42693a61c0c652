package p2pnio.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The drawings in docs/state-machines.md have exactly the edges the code enforces (connections and peer liveness). */
class StateDiagramTest {

    private static final Pattern EDGE = Pattern.compile("^\\s*(\\[\\*]|\\w+)\\s*-->\\s*(\\[\\*]|\\w+)");

    private static List<Set<String>> diagrams() throws Exception {
        Path doc = Path.of("..", "docs", "state-machines.md");
        List<Set<String>> out = new ArrayList<>();
        Set<String> current = null;
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("stateDiagram-v2")) {
                current = new TreeSet<>();
                out.add(current);
            } else if (line.startsWith("```")) {
                current = null;
            } else if (current != null) {
                Matcher m = EDGE.matcher(line);
                if (m.find()) {
                    current.add(m.group(1) + " -> " + m.group(2));
                }
            }
        }
        return out;
    }

    private static <S extends Enum<S>> Set<String> edges(Transitions<S> t, Class<S> type, Set<S> terminal) {
        Set<String> out = new TreeSet<>();
        for (S start : t.initials()) {
            out.add("[*] -> " + start);
        }
        for (S s : type.getEnumConstants()) {
            for (S next : t.from(s)) {
                out.add(s + " -> " + next);
            }
            if (terminal.contains(s)) {
                out.add(s + " -> [*]");
            }
        }
        return out;
    }

    @Test
    void theUploadDiagramMatchesTheCode() throws Exception {
        assertThat(diagrams().get(0)).isEqualTo(edges(Upload.TRANSITIONS, Upload.State.class,
                Set.of(Upload.State.DONE, Upload.State.FAILED)));
    }

    @Test
    void theDownloadDiagramMatchesTheCode() throws Exception {
        assertThat(diagrams().get(1)).isEqualTo(edges(Download.TRANSITIONS, Download.State.class,
                Set.of(Download.State.DONE, Download.State.FAILED)));
    }

    /** The "interest" column of each state table in the doc, by state: {@code OP_READ}, or {@code none}. */
    private static List<java.util.Map<String, String>> interestTables() throws Exception {
        List<java.util.Map<String, String>> out = new ArrayList<>();
        java.util.Map<String, String> current = null;
        Pattern row = Pattern.compile("^\\| `(\\w+)` \\| `?(\\w+)`? \\|");
        for (String line : Files.readAllLines(Path.of("..", "docs", "state-machines.md"))) {
            if (line.startsWith("| state | interest |")) {
                current = new java.util.TreeMap<>();
                out.add(current);
            } else if (current != null && !line.startsWith("|")) {
                current = null;
            } else if (current != null) {
                Matcher m = row.matcher(line);
                if (m.find()) {
                    current.put(m.group(1), m.group(2));
                }
            }
        }
        return out;
    }

    private static <S extends Enum<S> & Connection.Phase> java.util.Map<String, String> interests(Class<S> type) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (S s : type.getEnumConstants()) {
            if (s.waits().interest() == 0 && (s.name().equals("DONE") || s.name().equals("FAILED"))) {
                continue; // the final states: the key is cancelled, the table leaves them out
            }
            out.put(s.name(), switch (s.waits().interest()) {
                case 0 -> "none";
                case java.nio.channels.SelectionKey.OP_READ -> "OP_READ";
                case java.nio.channels.SelectionKey.OP_WRITE -> "OP_WRITE";
                case java.nio.channels.SelectionKey.OP_CONNECT -> "OP_CONNECT";
                default -> "ops " + s.waits().interest();
            });
        }
        return out;
    }

    @Test
    void eachStateTableNamesTheInterestOpsTheCodeSets() throws Exception {
        assertThat(interestTables()).hasSize(3);
        assertThat(interestTables().get(0)).isEqualTo(interests(Upload.State.class));
        assertThat(interestTables().get(1)).isEqualTo(interests(Download.State.class));
        assertThat(interestTables().get(2)).isEqualTo(interests(RangeFetch.State.class));
    }

    @Test
    void theLivenessDiagramMatchesTheCode() throws Exception {
        assertThat(diagrams().get(2)).isEqualTo(edges(p2pnio.control.Liveness.TRANSITIONS,
                p2pnio.control.Liveness.class, Set.of(p2pnio.control.Liveness.REMOVED)));
    }

    @Test
    void theMultiSourceDiagramsMatchTheCode() throws Exception {
        assertThat(diagrams().get(3)).isEqualTo(edges(Swarm.TRANSITIONS, Swarm.Phase.class,
                Set.of(Swarm.Phase.DONE, Swarm.Phase.FAILED)));
        assertThat(diagrams().get(4)).isEqualTo(edges(RangeFetch.TRANSITIONS, RangeFetch.State.class,
                Set.of(RangeFetch.State.DONE, RangeFetch.State.FAILED)));
    }

    @Test
    void anIllegalMoveIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Upload.TRANSITIONS.check(Upload.State.READ_REQUEST, Upload.State.SEND_BODY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("READ_REQUEST -> SEND_BODY");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> Download.TRANSITIONS.check(null, Download.State.READ_BODY))
                .isInstanceOf(IllegalStateException.class);
    }
}
