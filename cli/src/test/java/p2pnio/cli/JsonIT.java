package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import p2pnio.testkit.TestFiles;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --json} and {@code get --json} as real processes: every line of standard output is
 * one JSON object that a JSON library parses, naming the engine's event and carrying its fields
 * (docs/json.md).
 */
class JsonIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private static List<JsonNode> parse(String output) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : output.lines().toList()) {
            JsonNode e = MAPPER.readTree(line);
            assertThat(e.isObject()).as(line).isTrue();
            assertThat(e.get("event").asText()).as(line).isNotEmpty();
            assertThat(Instant.parse(e.get("time").asText())).as(line).isNotNull();
            events.add(e);
        }
        return events;
    }

    private static JsonNode first(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.get("event").asText().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
    }

    @Test
    void serveAndGetWriteOneParsableObjectPerEventWithTheEnginesFields() throws Exception {
        Path served = Files.createDirectories(tmp.resolve("served"));
        Files.createDirectories(tmp.resolve("fetched"));
        TestFiles.random(served.resolve("photo.jpg"), 300_000, 2);
        try (Jar serve = Jar.start(tmp, Map.of(), true, "serve", "--json", "--folder", "served", "--port", "0",
                "--delay", "0", "--stats-every", "0.5")) {
            String readyLine = serve.awaitLine(l -> l.contains("\"event\":\"Ready\""), Duration.ofSeconds(20));
            JsonNode ready = MAPPER.readTree(readyLine);
            String udp = ready.get("control").asText();
            assertThat(udp).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(ready.get("transfer").asText()).matches("127\\.0\\.0\\.1:\\d+");

            Jar.Result get = Jar.runApart(tmp, Map.of(), Duration.ofSeconds(60), "get", "photo.jpg", "--json",
                    "--folder", "fetched", "--peer", udp);

            assertThat(get.exit()).isZero();
            List<JsonNode> events = parse(get.output());
            JsonNode sent = first(events, "RequestSent");
            assertThat(sent.get("name").asText()).isEqualTo("photo.jpg");
            assertThat(sent.get("peers").asInt()).isEqualTo(1);
            assertThat(sent.get("attempt").asInt()).isEqualTo(1);
            JsonNode answered = first(events, "RequestAnswered");
            assertThat(answered.get("peer").asText()).isEqualTo(udp);
            assertThat(answered.get("tcpPort").asInt()).isPositive();
            JsonNode started = first(events, "DownloadStarted");
            assertThat(started.get("size").asLong()).isEqualTo(300_000);
            JsonNode finished = first(events, "DownloadFinished");
            assertThat(finished.get("name").asText()).isEqualTo("photo.jpg");
            assertThat(finished.get("peer").asText()).isEqualTo(udp);
            assertThat(finished.get("size").asLong()).isEqualTo(300_000);
            assertThat(finished.get("elapsedNanos").asLong()).isPositive();
            assertThat(finished.get("file").asText()).isEqualTo(tmp.resolve("fetched/photo.jpg").toString());
            assertThat(events.get(events.size() - 1).get("event").asText()).isEqualTo("Stopped");
            assertThat(get.output()).as("no 'saved' line among the JSON").doesNotContain("saved ");

            serve.awaitLine(l -> l.contains("\"event\":\"UploadFinished\""), Duration.ofSeconds(20));
            serve.awaitLine(l -> l.contains("\"event\":\"StatsReport\""), Duration.ofSeconds(20));
            assertThat(serve.terminate(Duration.ofSeconds(20))).isEqualTo(143);
            List<JsonNode> served0 = parse(serve.output());
            assertThat(served0.get(0).get("event").asText()).isEqualTo("Ready");
            assertThat(served0.get(served0.size() - 1).get("event").asText()).isEqualTo("Stopped");
            assertThat(served0.get(served0.size() - 1).get("cause").isNull()).isTrue();
            JsonNode upload = first(served0, "UploadFinished");
            assertThat(upload.get("name").asText()).isEqualTo("photo.jpg");
            assertThat(upload.get("size").asLong()).isEqualTo(300_000);
            JsonNode stats = first(served0, "StatsReport").get("stats");
            assertThat(stats.get("uploadsDone").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(stats.get("dropped").isObject()).isTrue();
        }
    }

    @Test
    void aFailedGetEndsItsJsonWithDownloadFailedAndExitsOne() throws Exception {
        Files.createDirectories(tmp.resolve("served"));
        Files.createDirectories(tmp.resolve("fetched"));
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result get = Jar.runApart(tmp, Map.of(), Duration.ofSeconds(60), "get", "missing.iso", "--json",
                    "--folder", "fetched", "--peer", serve.udp(), "--waiting", "1");

            assertThat(get.exit()).isEqualTo(1);
            JsonNode failed = first(parse(get.output()), "DownloadFailed");
            assertThat(failed.get("name").asText()).isEqualTo("missing.iso");
            assertThat(failed.get("reason").asText()).contains("no peer answered");
        }
    }
}
