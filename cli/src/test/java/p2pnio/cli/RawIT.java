package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code p2p raw}, the lessons' own client (docs/lessons.md needs no {@code nc}): pieces sent with
 * pauses, what comes back printed read by read with its control characters made visible, and
 * datagrams over UDP.
 */
class RawIT {

    private static final Duration RUN = Duration.ofSeconds(60);
    private static final String A_TXT = "hello from node a, 33 bytes long\n";

    @TempDir
    Path tmp;

    @BeforeEach
    void folders() throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("a")).resolve("a.txt"), A_TXT);
    }

    @Test
    void aRequestLineSentInThreePiecesIsReadAcrossThreeReadablesAndAnswered() throws Exception {
        try (Jar serve = Jar.serve(tmp, "--folder", "a", "--trace-file", "trace.log")) {
            Jar.Result raw = Jar.run(tmp, Map.of(), RUN, "raw", serve.tcp(), "Get,", "a.t", "xt\\n", "--pause", "0.3");

            assertThat(raw.exit()).as(raw.output()).isZero();
            assertThat(raw.output().lines()).containsSubsequence(
                    "> 4 bytes: Get,", "> 3 bytes: a.t", "> 3 bytes: xt\\x0a");
            assertThat(raw.output()).contains("33::::::::a.txt" + ":".repeat(59), "hello from node a, 33 bytes long\\x0a",
                    "closed by the peer after 107 bytes");
            serve.terminate(Duration.ofSeconds(20));
        }
        String trace = Files.readString(tmp.resolve("trace.log"));
        assertThat(Pattern.compile("readable\\[upload#1 \\? to .* READ_REQUEST\\]").matcher(trace).results().count())
                .as(trace).isGreaterThanOrEqualTo(3);
        assertThat(trace).contains("upload#1 READ_REQUEST -> RESOLVE (a.txt)");
    }

    @Test
    void showLimitsWhatIsPrintedAndCountsTheRestAndReadAfterWaitsBeforeReading() throws Exception {
        try (Jar serve = Jar.serve(tmp, "--folder", "a")) {
            Jar.Result raw = Jar.run(tmp, Map.of(), RUN, "raw", serve.tcp(), "Get,a.txt\\n", "--show", "10",
                    "--read-after", "0.2");

            assertThat(raw.exit()).as(raw.output()).isZero();
            assertThat(raw.output()).contains("not reading for 0.20 s", "33:::::::: ...", "closed by the peer after 107 bytes");
            assertThat(raw.output()).doesNotContain("hello");
        }
    }

    @Test
    void overUdpItSendsADatagramAndPrintsTheAnswer() throws Exception {
        try (Jar serve = Jar.serve(tmp, "--folder", "a")) {
            Jar.Result raw = Jar.run(tmp, Map.of(), RUN, "raw", "--udp", serve.udp(), "Get,a.txt\\n", "--wait", "3");

            assertThat(raw.exit()).as(raw.output()).isZero();
            assertThat(raw.output()).contains("> datagram to " + serve.udp() + ", 10 bytes: Get,a.txt\\x0a");
            String port = serve.tcp().substring(serve.tcp().lastIndexOf(':') + 1);
            assertThat(raw.output()).contains("< datagram from " + serve.udp() + ", ", "bytes: File,1," + port + "\\x0a",
                    "1 datagram came back within 3.00 s");
        }
    }

    @Test
    void aBadPieceOrAddressIsAUsageError() throws Exception {
        Jar.Result escape = Jar.run(tmp, Map.of(), RUN, "raw", "127.0.0.1:9", "Get,\\q");
        Jar.Result address = Jar.run(tmp, Map.of(), RUN, "raw", "nowhere", "x");

        assertThat(escape.exit()).isEqualTo(2);
        assertThat(escape.output()).contains("a backslash must start");
        assertThat(address.exit()).isEqualTo(2);
        assertThat(address.output()).contains("HOST:PORT: 'nowhere' has no port");
    }
}
