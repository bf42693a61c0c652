package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Java Flight Recorder proves on JDK 17, and only that: every {@code SocketChannel} read and
 * write ({@code jdk.SocketRead}, {@code jdk.SocketWrite}) and every {@code FileChannel} read and
 * write ({@code jdk.FileRead}, {@code jdk.FileWrite}) that two nodes make while they move files
 * back and forth comes from a thread named {@code p2p-loop ...}, the body written into a partial
 * file included. The one file written elsewhere is a partial download's small record, written
 * when the file thread creates the partial file ({@code p2pnio.share.PartialFile}): it must come
 * from {@code p2p-files ...}. With the threshold at zero JFR records each of those calls with its
 * thread.
 *
 * <p>JFR records nothing on JDK 17 for {@code transferTo}, UDP send and receive, accept, connect,
 * selector calls, or opening, linking and deleting files: those are proved by
 * {@link LoopOwnsItsChannelsTest}, which watches every call on the nodes' channels and files.
 * This test stays because it needs no wrapper: it sees the JDK's own I/O paths as they are.
 */
class LoopThreadTest {

    @TempDir
    Path tmp;

    @Test
    void everySocketReadAndWriteAndFileReadAndWriteThatFlightRecorderSeesIsMadeByALoopThread() throws Exception {
        Path jfr = tmp.resolve("io.jfr");
        try (Recording recording = new Recording()) {
            for (String event : List.of("jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite")) {
                recording.enable(event).withThreshold(Duration.ZERO).withStackTrace();
            }
            recording.start();
            try (TestCluster cluster = new TestCluster(tmp)) {
                Node a = cluster.start("a", b -> b);
                Node b = cluster.start("b", x -> x.addPeer(a.address()));
                Random random = new Random(9);
                for (int i = 0; i < 5; i++) {
                    byte[] data = new byte[200_000];
                    random.nextBytes(data);
                    Files.write(TestCluster.folder(a).resolve("a" + i), data);
                    Files.write(TestCluster.folder(b).resolve("b" + i), data);
                }
                for (int i = 0; i < 5; i++) {
                    b.post(new Command.Fetch("a" + i));
                    a.post(new Command.Fetch("b" + i));
                }
                for (int i = 0; i < 5; i++) {
                    assertThat(cluster.events(b).awaitOutcome("a" + i, Duration.ofSeconds(20)))
                            .isInstanceOf(NodeEvent.DownloadFinished.class);
                    assertThat(cluster.events(a).awaitOutcome("b" + i, Duration.ofSeconds(20)))
                            .isInstanceOf(NodeEvent.DownloadFinished.class);
                }
                recording.stop();
                recording.dump(jfr);
            }
        }
        List<String> misplaced = new ArrayList<>();
        int nodeIo = 0;
        int records = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String thread = e.getThread() == null ? "?" : e.getThread().getJavaName();
            if (!touchesANode(e)) {
                continue;
            }
            nodeIo++;
            boolean record = e.getEventType().getName().equals("jdk.FileWrite") && e.getString("path").endsWith(".rec");
            records += record ? 1 : 0;
            if (!thread.startsWith(record ? "p2p-files" : "p2p-loop")) {
                misplaced.add(e.getEventType().getName() + " on " + thread + ": " + e);
            }
        }
        assertThat(nodeIo).as("JFR recorded the nodes' socket and file I/O").isGreaterThan(20);
        assertThat(records).as("each of the 10 downloads wrote its record").isEqualTo(10);
        assertThat(misplaced).isEmpty();
    }

    /** Socket I/O done by node code, or file I/O in a node's folder (the test's own I/O excluded). */
    private boolean touchesANode(RecordedEvent e) {
        if (e.getEventType().getName().startsWith("jdk.File")) {
            String path = e.getString("path");
            return path != null && path.startsWith(tmp.toString()) && !path.endsWith(".jfr")
                    && e.getStackTrace() != null
                    && e.getStackTrace().getFrames().stream().anyMatch(f -> f.getMethod().getType().getName().startsWith("p2pnio.transfer"));
        }
        return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
                .anyMatch(f -> f.getMethod().getType().getName().startsWith("p2pnio.")
                        && !f.getMethod().getType().getName().startsWith("p2pnio.LoopThreadTest"));
    }
}
