package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.watch.Watch;
import p2pnio.watch.WatchedFileSystem;
import p2pnio.wire.Names;

/**
 * Only the loop thread touches a node's channels, and the loop never waits for the file system:
 * every call on every channel and selector of two nodes that move files back and forth (open,
 * bind, options, register, interest changes, select, accept, connect, finishConnect, read, write,
 * UDP send and receive, close), and every read, write and {@code transferTo} of a transfer's bytes,
 * is made by a {@code p2p-loop} thread. Every other file operation (open, close, attributes, link,
 * rename, delete, free space, real path, listing, and writing a partial download's small record)
 * comes from the node's file thread or its background thread: never from the loop, nor from the
 * threads of the caller, the listener or the console. The size of a file already open (an
 * {@code fstat}, no path walked) may be read on either the loop or the file thread.
 *
 * <p>This proof covers what Flight Recorder cannot see on JDK 17 ({@link LoopThreadTest}): it runs
 * in a JVM of its own (the {@code watched} execution of surefire, tag {@code watched}) whose
 * channels all come from {@link p2pnio.watch.WatchedSelectorProvider}, and the nodes' folders are
 * paths of a {@link WatchedFileSystem}. Two calls are made before a node's loop thread exists and
 * are allowed on the caller: opening the selector, and the settings' check that the folder is a
 * directory (and its real path).
 */
@Tag("watched")
class LoopOwnsItsChannelsTest {

    @TempDir
    Path tmp;

    @Test
    void everyCallOnTheChannelsOfTwoBusyNodesIsMadeByTheirLoops() throws Exception {
        assertThat(Watch.channelsWatched()).as("run in the 'watched' surefire execution (mvn test runs it)").isTrue();
        Path folderA = Files.createDirectories(tmp.resolve("a"));
        Path folderB = Files.createDirectories(tmp.resolve("b"));
        Random random = new Random(9);
        for (int i = 0; i < 5; i++) {
            byte[] data = new byte[200_000 + i];
            random.nextBytes(data);
            Files.write(folderA.resolve("a" + i), data);
            Files.write(folderB.resolve("b" + i), data);
        }
        String caller = Thread.currentThread().getName();
        Recorder ea = new Recorder();
        Recorder eb = new Recorder();
        try (Node a = Node.start(config(folderA).build(), ea);
             Node b = Node.start(config(folderB).addPeer(a.address()).build(), eb)) {
            for (int i = 0; i < 5; i++) {
                b.post(new Command.Fetch("a" + i));
                a.post(new Command.Fetch("b" + i));
            }
            for (int i = 0; i < 5; i++) {
                assertThat(eb.awaitOutcome("a" + i, Duration.ofSeconds(30))).isInstanceOf(NodeEvent.DownloadFinished.class);
                assertThat(ea.awaitOutcome("b" + i, Duration.ofSeconds(30))).isInstanceOf(NodeEvent.DownloadFinished.class);
            }
            assertThat(a.stats().get().uploadsDone() + b.stats().get().uploadsDone()).isEqualTo(10);
        }
        List<Watch.Call> calls = Watch.calls();
        Map<String, TreeSet<String>> threadsByCall = calls.stream().collect(Collectors.groupingBy(
                c -> c.what().replaceFirst("^(file \\S+) .*", "$1"), TreeMap::new,
                Collectors.mapping(c -> c.thread().replaceFirst(" .*", ""), Collectors.toCollection(TreeSet::new))));
        System.out.println("calls on the nodes' channels and files, by the threads that made them: " + threadsByCall);

        // What was watched: every kind of call the nodes make, so that the check below means something.
        assertThat(threadsByCall).containsKeys("selector open", "register", "select", "interestOps",
                "udp open", "udp bind", "udp send", "udp receive", "tcp listen bind", "tcp accept", "tcp open",
                "tcp connect", "tcp read", "tcp close", "file open", "file transferTo", "file write",
                "file hardlink", "file delete", "file store", "file list");

        Predicate<Watch.Call> beforeTheLoop = c -> c.thread().equals(caller) && (c.what().equals("selector open")
                || c.what().startsWith("file attributes ") || c.what().startsWith("file realpath "));
        Predicate<Watch.Call> record = c -> Names.isOurPartialFile(c.what().replaceFirst("^file \\S+ ", ""))
                && c.what().endsWith(Names.RECORD_SUFFIX);
        // The hash and verify threads (issue 11) read files of their own (a shared file, a partial file
        // read back) and write the digest cache: no channel of the loop, no transfer's bytes.
        Predicate<Watch.Call> digests = c -> c.what().startsWith("file ") && c.thread().matches("p2p-(hash|verify) .*");
        Predicate<Watch.Call> bytes = c -> !c.what().startsWith("file ")
                || (c.what().matches("file (read|write|transferTo|transferFrom) .*") && !record.test(c) && !digests.test(c));
        assertThat(calls).filteredOn(bytes.and(beforeTheLoop.negate()))
                .as("calls on channels, selectors and a transfer's bytes").isNotEmpty()
                .allSatisfy(c -> assertThat(c.thread()).as(c.what()).startsWith("p2p-loop "));
        // The size of a file already open (fstat: no path walked) is read where its bytes move, or where it was opened.
        Predicate<Watch.Call> size = c -> c.what().startsWith("file size ");
        assertThat(calls).filteredOn(size).allSatisfy(c -> assertThat(c.thread()).as(c.what()).matches("p2p-(loop|files) .*"));
        assertThat(calls).filteredOn(bytes.negate().and(size.negate()).and(beforeTheLoop.negate()))
                .as("other file operations").isNotEmpty()
                .allSatisfy(c -> assertThat(c.thread()).as(c.what()).matches("p2p-(files|background|hash|verify) .*"));
    }

    private static NodeConfig.Builder config(Path folder) {
        return NodeConfig.builder().port(0).folder(WatchedFileSystem.watch(folder)).period(Duration.ofMillis(200))
                .delay(Duration.ZERO);
    }
}
