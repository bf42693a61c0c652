package p2pnio.cli.out;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;
import p2pnio.Visible;

/** Every event of the engine as one line of JSON, with the engine's own fields, parsed back by Jackson. */
class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOSTILE = "\u001b]0;PWNED\u0007\u001b[2J\u001b[31m../../etc/evil\u007f\u009b2J\u202eexe.txt\u2028x";

    private final Json json = new Json(Clock.fixed(Instant.parse("2026-11-30T10:15:30.123456Z"), ZoneOffset.UTC));

    @Test
    void everyEventIsOneObjectWithItsTypeTimeAndTheRecordsFieldsInOrder() throws Exception {
        for (Class<?> type : NodeEvent.class.getPermittedSubclasses()) {
            NodeEvent event = (NodeEvent) sample(type);
            String line = json.line(event);

            assertThat(line).as(type.getSimpleName()).doesNotContain("\n");
            JsonNode parsed = MAPPER.readTree(line);
            List<String> expected = new ArrayList<>(List.of("event", "time"));
            Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).forEach(expected::add);
            List<String> keys = new ArrayList<>();
            parsed.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(line).containsExactlyElementsOf(expected);
            assertThat(parsed.get("event").asText()).isEqualTo(type.getSimpleName());
            assertThat(parsed.get("time").asText()).isEqualTo("2026-11-30T10:15:30.123Z");
        }
    }

    @Test
    void valuesKeepTheirTypesAddressesAndPathsBecomeTextNestedRecordsBecomeObjects() throws Exception {
        JsonNode finished = MAPPER.readTree(json.line(new NodeEvent.DownloadFinished("a.txt", "127.0.0.1:1379", 33,
                1_500_000, Path.of("/tmp/in/a.txt"))));
        assertThat(finished.get("size").isIntegralNumber()).isTrue();
        assertThat(finished.get("size").asLong()).isEqualTo(33);
        assertThat(finished.get("elapsedNanos").asLong()).isEqualTo(1_500_000);
        assertThat(finished.get("file").asText()).isEqualTo("/tmp/in/a.txt");

        JsonNode ready = MAPPER.readTree(json.line(new NodeEvent.Ready(new InetSocketAddress("127.0.0.1", 1378),
                new InetSocketAddress("127.0.0.1", 40311))));
        assertThat(ready.get("control").asText()).isEqualTo("127.0.0.1:1378");
        assertThat(ready.get("transfer").asText()).isEqualTo("127.0.0.1:40311");

        JsonNode peers = MAPPER.readTree(json.line(new NodeEvent.PeersReport(
                List.of(new NodeEvent.PeerInfo("127.0.0.1:1379", "configured", 1200, true, "p2pnio/1", "18c2f0a1b2c3d4",
                        "suspect")))));
        assertThat(peers.get("peers").get(0).get("priority").asBoolean()).isTrue();
        assertThat(peers.get("peers").get(0).get("state").asText()).isEqualTo("suspect");
        assertThat(peers.get("peers").get(0).get("lastHeardMillisAgo").asLong()).isEqualTo(1200);

        JsonNode stopped = MAPPER.readTree(json.line(new NodeEvent.Stopped(null)));
        assertThat(stopped.get("cause").isNull()).isTrue();
        JsonNode crashed = MAPPER.readTree(json.line(new NodeEvent.Stopped(new IOException("disk gone"))));
        assertThat(crashed.get("cause").asText()).isEqualTo("java.io.IOException: disk gone");
    }

    @Test
    void aPeersControlCharactersArriveIntactYetNoneIsWrittenRaw() throws Exception {
        String line = json.line(new NodeEvent.Warning("'127.0.0.1:9' sent 'a.txt' under the name '" + HOSTILE + "'"));

        assertThat(line.codePoints().filter(Visible::isControl).toArray()).as(line).isEmpty();
        assertThat(line).contains("\\u001B]0;PWNED\\u0007", "\\u007F", "\\u009B", "\\u202E", "\\u2028");
        assertThat(Visible.text(line)).as("the output door leaves JSON as it is").isEqualTo(line);
        assertThat(MAPPER.readTree(line).get("message").asText()).contains(HOSTILE);
    }

    @Test
    void queryAnswersAreNotEventsToLog() {
        assertThat(Json.isAnswer(new NodeEvent.PeersReport(List.of()))).isTrue();
        assertThat(Json.isAnswer(new NodeEvent.Warning("w"))).isFalse();
    }

    /** An instance of a record with a plain value for each component. */
    private static Object sample(Class<?> type) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = value(types[i]);
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        return c.newInstance(values);
    }

    private static Object value(Class<?> t) throws Exception {
        if (t == String.class) {
            return "text";
        } else if (t == int.class) {
            return 7;
        } else if (t == long.class) {
            return 42L;
        } else if (t == boolean.class) {
            return true;
        } else if (t == double.class) {
            return 1.5;
        } else if (t == Path.class) {
            return Path.of("/tmp/x");
        } else if (t == InetSocketAddress.class) {
            return new InetSocketAddress("127.0.0.1", 1378);
        } else if (t == Throwable.class) {
            return null;
        } else if (t == List.class) {
            return List.of();
        } else if (t == Map.class) {
            return Map.of("TOO_LARGE", 1L);
        } else if (t == NodeStats.class || t.isRecord()) {
            return sample(t);
        }
        throw new AssertionError("no sample value for " + t + ": add one, and document the field in docs/json.md");
    }
}
