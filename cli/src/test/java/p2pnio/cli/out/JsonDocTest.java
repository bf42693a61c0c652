package p2pnio.cli.out;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import p2pnio.NodeEvent;

/** docs/json.md documents every event the JSON output writes, with exactly the engine's fields. */
class JsonDocTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| ([^|]*) \\|", Pattern.MULTILINE);

    @Test
    void theTableOfDocsJsonMdListsEveryWrittenEventWithItsFieldsInOrder() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "json.md"));
        Map<String, List<String>> documented = new TreeMap<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            documented.put(m.group(1), Arrays.stream(m.group(2).split(","))
                    .map(f -> f.strip().replace("`", "")).filter(f -> !f.isEmpty()).toList());
        }

        Map<String, List<String>> engine = new TreeMap<>();
        for (Class<?> type : NodeEvent.class.getPermittedSubclasses()) {
            String name = type.getSimpleName();
            if (!name.endsWith("Report") || name.equals("StatsReport")) {
                engine.put(name, Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList());
            }
        }

        assertThat(documented).isEqualTo(engine);
    }
}
