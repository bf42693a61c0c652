package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.Poll;

/** The teaching trace shows what the loop does, and nothing when it is off. */
class TraceTest {

    @TempDir
    Path tmp;

    @Test
    void aTracedDownloadShowsSelectsTransitionsTimersDatagramsAndTransferTo() throws Exception {
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve("t.bin"), new byte[300_000]);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ofMillis(50)).build(),
                ra, new PrintStream(server, true, StandardCharsets.UTF_8));
             Node nb = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(na.address()).build(),
                rb, new PrintStream(client, true, StandardCharsets.UTF_8))) {
            na.trace(true);
            nb.trace(true);
            nb.post(new Command.Fetch("t.bin"));
            assertThat(rb.awaitOutcome("t.bin", Duration.ofSeconds(20))).isInstanceOf(NodeEvent.DownloadFinished.class);
            // the upload ends (DRAIN -> DONE) only when the client has closed: wait for it before closing the nodes
            // (UploadFinished comes when the body is sent, before DRAIN ends, so poll the open-upload count)
            ra.await(NodeEvent.UploadFinished.class, u -> u.name().equals("t.bin"), Duration.ofSeconds(20));
            Poll.until(Duration.ofSeconds(20), "the upload left DRAIN", () -> na.stats().get().uploadsOpen() == 0);
        }
        String s = server.toString(StandardCharsets.UTF_8);
        String c = client.toString(StandardCharsets.UTF_8);
        assertThat(s).contains("udp in  " + "127.0.0.1").containsPattern("Get\\[name=t.bin, marked=(true|false)\\]")
                .contains("timer delayed File to")
                .contains("udp out ").contains("FileOffer[method=1")
                .containsPattern("select -> acceptable\\[")
                .contains("upload#1 NEW -> READ_REQUEST")
                .contains("upload#1 READ_REQUEST -> RESOLVE (t.bin)")
                .contains("upload#1 RESOLVE -> OPENING")
                .contains("upload#1 OPENING -> SEND_HEADER (300000 bytes)")
                // the first slice of the 300,000 bytes: sendChunkBytes, 256 KiB by default
                .containsPattern("upload#1 transferTo\\(position=0, count=262144\\) = \\d+")
                .contains("upload#1 SEND_BODY -> DRAIN")
                .contains("upload#1 DRAIN -> DONE");
        assertThat(c).contains("download#1 NEW -> CONNECTING")
                .contains("download#1 CONNECTING -> SEND_REQUEST")
                .contains("download#1 READ_HEADER -> OPENING (300000 bytes)")
                .containsPattern("download#1 OPENING -> READ_BODY \\(\\.p2p-[0-9a-f]{16}\\.part\\)")
                .contains("download#1 READ_BODY -> FINISHING")
                .contains("download#1 FINISHING -> DONE (t.bin)")
                .containsPattern("select -> readable\\[download#1 t.bin");
    }

    @Test
    void controlCharactersInATracedLineAreWrittenVisiblyNeverRaw() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Recorder r = new Recorder();
        String hostile = "\u001b]0;PWNED\u0007\u001b[2J\u009b31m\u202eevil";
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(a).build(), r,
                new PrintStream(out, true, StandardCharsets.UTF_8))) {
            node.trace(true);
            node.post(new Command.Fetch(hostile));
            r.awaitOutcome(hostile, Duration.ofSeconds(20));
        }
        String trace = out.toString(StandardCharsets.UTF_8);
        assertThat(trace).contains("Fetch[name=\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202eevil]");
        assertThat(trace.replace("\n", "").codePoints().filter(Visible::isControl).toArray())
                .as("control characters written raw").isEmpty();
    }

    @Test
    void theTracePrintsNothingWhenOff() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("x.txt"), "x");
        Recorder r = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), NodeListener.ignoring(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
             Node nb = Node.start(NodeConfig.builder().port(0).folder(Files.createDirectories(tmp.resolve("b")))
                     .delay(Duration.ZERO).addPeer(na.address()).build(), r,
                     new PrintStream(out, true, StandardCharsets.UTF_8))) {
            nb.post(new Command.Fetch("x.txt"));
            r.awaitOutcome("x.txt", Duration.ofSeconds(20));
        }
        assertThat(out.size()).isZero();
    }
}
