package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;
import p2pnio.testkit.TestFiles;

/**
 * One file from several {@code serve} processes at once, and resume (issue #12), as real
 * processes killed with SIGKILL: {@code get} killed at half of a download from three servers and
 * started again takes up what it kept (the servers send again at most the piece each had in
 * flight, and the second run's end game races at most one piece per source); a server
 * killed halfway leaves its pieces to the others. Each server is held to {@value #RATE_MIB} MiB/s,
 * so that half of the file is a moment one can reach.
 */
class ResumeIT {

    private static final int SIZE = 64 << 20;
    private static final long PIECE = 4L << 20;
    private static final int RATE_MIB = 4;
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Pattern PROGRESS = Pattern.compile("\"event\":\"DownloadProgress\".*\"received\":(\\d+)");
    private static final Pattern READY = Pattern.compile("\"event\":\"Ready\".*\"control\":\"([^\"]+)\",\"transfer\":\"([^\"]+)\"");
    private static final Pattern SENT = Pattern.compile("\"event\":\"StatsReport\".*\"bytesSent\":(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void getKilledAtHalfAndAskedAgainResumesAndTheServersSendAgainAtMostOnePieceEach() throws Exception {
        String sha = sharedByThree(3);
        List<Server> servers = serveAll("a", "b", "c");
        try {
            String[] get = getArgs(servers);
            try (Jar first = Jar.start(tmp, Map.of(), get)) {
                first.awaitLine(l -> received(l) >= SIZE / 2, RUN);
                first.process().destroyForcibly(); // SIGKILL: no chance to clean up
                first.process().waitFor();
            }
            assertThat(Files.exists(tmp.resolve("fetched/big.bin"))).isFalse();
            long sentBefore = sent(servers);

            Jar.Result again = Jar.run(tmp, Map.of(), RUN, get);

            assertThat(again.exit()).as(again.output()).isZero();
            assertThat(again.output()).contains("\"sources\":3");
            Matcher resumed = Pattern.compile("\"event\":\"DownloadProgress\"[^\\n]*\"received\":(\\d+),\"size\":"
                    + SIZE + ",\"elapsedNanos\":0").matcher(again.output());
            assertThat(resumed.find()).as("the second run starts from the kept pieces: " + again.output()).isTrue();
            long kept = Long.parseLong(resumed.group(1));
            assertThat(kept).as("kept bytes").isGreaterThanOrEqualTo(SIZE / 4);
            assertThat(TestFiles.sha256(tmp.resolve("fetched/big.bin"))).isEqualTo(sha);
            long sentAll = sent(servers);
            // Sent again because of the kill: what the servers sent before it that was not kept
            // (the pieces in flight, one per source at most, and any piece done but not yet
            // recorded). The second run's own surplus is its end game: the last pieces raced,
            // one fetch per source at most.
            long lost = sentBefore - kept;
            long endGame = sentAll - sentBefore - (SIZE - kept);
            System.out.printf("resume after SIGKILL: kept %d of %d bytes; the servers sent %d before the kill (%d = %.2f"
                    + " pieces sent again) and %d after it (%d = %.2f pieces of end game)%n", kept, SIZE, sentBefore, lost,
                    lost / (double) PIECE, sentAll - sentBefore, endGame, endGame / (double) PIECE);
            assertThat(lost).as("bytes sent again because of the kill").isBetween(0L, 3 * PIECE);
            assertThat(endGame).as("bytes raced in the second run's end game").isBetween(0L, 3 * PIECE);
            assertThat(tmp.resolve("fetched")).isDirectoryNotContaining("glob:**/.p2p-part*");
        } finally {
            servers.forEach(Server::close);
        }
    }

    @Test
    void aServerKilledAtHalfLeavesItsPiecesToTheOthers() throws Exception {
        String sha = sharedByThree(4);
        List<Server> servers = serveAll("a", "b", "c");
        try (Jar get = Jar.start(tmp, Map.of(), getArgs(servers))) {
            get.awaitLine(l -> received(l) >= SIZE / 2, RUN);
            servers.get(2).jar().process().destroyForcibly(); // SIGKILL a source halfway
            String saved = get.awaitLine(l -> l.contains("\"event\":\"DownloadFinished\"")
                    || l.contains("\"event\":\"DownloadFailed\""), RUN);
            assertThat(saved).as(get.output()).contains("DownloadFinished", "\"peer\":\"3 sources\"");
            assertThat(get.output()).contains("no more pieces from " + servers.get(2).tcp());
            assertThat(get.process().waitFor()).isZero();
            assertThat(TestFiles.sha256(tmp.resolve("fetched/big.bin"))).isEqualTo(sha);
        } finally {
            servers.forEach(Server::close);
        }
    }

    private Path served(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name));
    }

    /** The same random big.bin in folders a, b and c, and an empty folder fetched; its SHA-256. */
    private String sharedByThree(int seed) throws Exception {
        String sha = TestFiles.sha256(TestFiles.random(served("a").resolve("big.bin"), SIZE, seed));
        for (String t : List.of("b", "c")) {
            Files.copy(tmp.resolve("a").resolve("big.bin"), served(t).resolve("big.bin"));
        }
        Files.createDirectories(tmp.resolve("fetched"));
        return sha;
    }

    /** Serving processes, each held to the rate, once each has hashed big.bin (its answer then names the digest). */
    private List<Server> serveAll(String... folders) throws Exception {
        List<Server> servers = new ArrayList<>();
        for (String f : folders) {
            Jar jar = Jar.start(tmp, Map.of(), "serve", "--port", "0", "--delay", "0", "--folder", f, "--json",
                    "--stats-every", "1", "--max-upload-rate", RATE_MIB + "M");
            Matcher ready = READY.matcher(jar.awaitLine(l -> READY.matcher(l).find(), RUN));
            assertThat(ready.find()).isTrue();
            servers.add(new Server(jar, ready.group(1), ready.group(2)));
        }
        for (String f : folders) {
            Path cache = tmp.resolve(f).resolve(".p2p-digests");
            Poll.until(RUN, f + " hashed big.bin", () -> Files.exists(cache)
                    && Files.readString(cache, StandardCharsets.UTF_8).contains("big.bin"));
        }
        return servers;
    }

    /** A {@code serve --json} process and its addresses, from its {@code Ready} line. */
    private record Server(Jar jar, String udp, String tcp) implements AutoCloseable {
        @Override
        public void close() {
            jar.close();
        }
    }

    private static String[] getArgs(List<Server> servers) {
        List<String> args = new ArrayList<>(List.of("get", "big.bin", "--folder", "fetched", "--json"));
        for (Server s : servers) {
            args.addAll(List.of("--peer", s.udp()));
        }
        return args.toArray(String[]::new);
    }

    private static long received(String line) {
        Matcher m = PROGRESS.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Bytes the servers sent, from their latest stats lines (printed every second): after the next one. */
    private static long sent(List<Server> servers) throws Exception {
        Thread.sleep(1_500); // a stats line after the last byte
        long sum = 0;
        for (Server s : servers) {
            long last = 0;
            for (String l : s.jar().output().split("\n")) {
                Matcher m = SENT.matcher(l);
                if (m.find()) {
                    last = Long.parseLong(m.group(1));
                }
            }
            sum += last;
        }
        return sum;
    }
}
