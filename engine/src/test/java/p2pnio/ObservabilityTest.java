package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node seen by the JDK's own tools: its Flight Recorder events and its MXBean. */
class ObservabilityTest {

    @TempDir
    Path tmp;

    private static List<RecordedEvent> named(List<RecordedEvent> all, String name) {
        return all.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @Test
    void flightRecorderShowsTransfersStartedAndFinishedDroppedDatagramsAndLongTurns() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.write(a.resolve("f.bin"), new byte[123_456]);
        Path jfr = tmp.resolve("node.jfr");
        Recorder events = new Recorder();
        try (Recording recording = new Recording()) {
            recording.enable("p2pnio.TransferStarted");
            recording.enable("p2pnio.TransferFinished");
            recording.enable("p2pnio.DatagramDropped");
            recording.enable("p2pnio.LoopTurn").withThreshold(Duration.ZERO); // every turn, for the test
            recording.start();
            try (Node na = Node.start(NodeConfig.builder().port(0).folder(a).delay(Duration.ZERO).build(), e -> { });
                 Node nb = Node.start(NodeConfig.builder().port(0).folder(b).addPeer(na.address()).build(), events);
                 DatagramSocket attacker = new DatagramSocket()) {
                nb.post(new Command.Fetch("f.bin"));
                assertThat(events.awaitOutcome("f.bin", Duration.ofSeconds(20))).isInstanceOf(NodeEvent.DownloadFinished.class);
                byte[] junk = {(byte) 0xff, (byte) 0xfe};
                attacker.send(new DatagramPacket(junk, junk.length, na.controlAddress()));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (na.stats().get().droppedTotal() == 0 || na.stats().get().uploadsOpen() > 0) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(5);
                }
            }
            recording.stop();
            recording.dump(jfr);
        }
        List<RecordedEvent> all = RecordingFile.readAllEvents(jfr);
        assertThat(named(all, "p2pnio.TransferStarted")).extracting(e -> e.getString("direction") + " "
                + e.getString("name") + " " + e.getLong("size")).contains("upload f.bin 123456", "download f.bin 123456");
        assertThat(named(all, "p2pnio.TransferFinished")).extracting(e -> e.getString("direction") + " "
                + e.getLong("bytes") + " " + e.getString("outcome"))
                .contains("upload 123456 DONE", "download 123456 DONE: f.bin"); // a download's DONE names the file it made
        assertThat(named(all, "p2pnio.TransferFinished")).allMatch(e -> e.getDuration().toNanos() > 0);
        assertThat(named(all, "p2pnio.DatagramDropped")).extracting(e -> e.getString("reason")).contains("NOT_UTF8");
        assertThat(named(all, "p2pnio.LoopTurn")).isNotEmpty()
                .anyMatch(e -> e.getString("whatRan").contains("command Fetch[name=f.bin]"))
                .allMatch(e -> e.getThread().getJavaName().startsWith("p2p-loop"));
    }

    @Test
    void theNodesCountersAreAnMXBeanWhileItRunsAndOnlyWhenAskedFor() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try (Node node = Node.start(NodeConfig.builder().port(0).folder(tmp).build(), NodeListener.ignoring())) {
            name = new ObjectName("p2pnio:type=Node,name=" + ObjectName.quote(node.address()));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!server.isRegistered(name)) {
                assertThat(System.nanoTime()).as("registered (off the loop, after start)").isLessThan(deadline);
                Thread.sleep(5);
            }
            assertThat(server.getAttribute(name, "Address")).isEqualTo(node.address());
            assertThat((Long) server.getAttribute(name, "LoopTurns")).isPositive();
            assertThat((Double) server.getAttribute(name, "BusyRatio")).isBetween(0.0, 1.0);
            assertThat(server.getAttribute(name, "Paused")).isEqualTo(false);
        }
        assertThat(server.isRegistered(name)).as("gone with the node").isFalse();
        try (Node quiet = Node.start(NodeConfig.builder().port(0).folder(tmp).jmx(false).build(), NodeListener.ignoring())) {
            quiet.stats().get(); // started and serving
            Thread.sleep(50);
            assertThat(server.queryNames(new ObjectName("p2pnio:type=Node,name=" + ObjectName.quote(quiet.address())), null))
                    .isEmpty();
        }
    }
}
