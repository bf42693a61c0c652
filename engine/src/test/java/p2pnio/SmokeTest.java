package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {

    @Test
    void oneDownloadBetweenTwoNodes(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("hello.txt"), "hello from a\n");
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), ra)) {
            try (Node nb = Node.start(NodeConfig.builder().port(0).folder(b).delay(Duration.ZERO)
                    .addPeer(na.address()).build(), rb)) {
                nb.post(new Command.Fetch("hello.txt"));
                NodeEvent outcome = rb.awaitOutcome("hello.txt", Duration.ofSeconds(10));
                assertThat(outcome).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(Files.readString(b.resolve("hello.txt"))).isEqualTo("hello from a\n");
            }
        }
    }
}
