package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import p2pnio.loop.EventLoop;
import p2pnio.share.SharedFolder;
import p2pnio.testkit.TestFiles;
import p2pnio.wire.Names;

/**
 * Fuzz target for safe name resolution on the serving path: whatever name a peer sends (in a
 * {@code Get} datagram or an upload's request line), the node cuts it to its base name, looks it
 * up in a real {@link SharedFolder} on a running loop, and opens what the index gives; nothing
 * from outside the folder and nothing through a link may ever be read, also when the folder
 * changes between the index's scan and the open (a sub-folder or a file swapped for a link
 * pointing outside). For a name a user asks for, the partial and final files stay directly in
 * the folder. Jazzer's {@code FilePathTraversal} detector watches every path built here while
 * fuzzing. Inputs kept under {@code src/test/resources/p2pnio/fuzz/SafeNamesFuzzTestInputs/<method>/}:
 * the last byte picks the change to the folder, the rest is the name.
 */
@ExtendWith(KeptInputs.class)
class SafeNamesFuzzTest {

    /** What happens to the folder after the index was built and before the name is served. */
    enum Change { NONE, SUB_FOLDER_BECOMES_A_LINK_OUT, FILE_BECOMES_A_LINK_OUT }

    private static final String SECRET = "must never be served";
    private static Path outside;
    private static Path stash;
    private static Path root;
    private static final AtomicLong clock = new AtomicLong();
    private static EventLoop loop;
    private static Thread loopThread;
    private static SharedFolder folder;

    @BeforeAll
    static void aFolderWithLinksPointingOutsideServedByARealIndexOnARunningLoop() throws Exception {
        outside = Files.createTempDirectory("p2p-fuzz-outside");
        Path secret = Files.writeString(outside.resolve("secret.txt"), SECRET + "\n");
        Files.writeString(outside.resolve("b.txt"), "also " + SECRET + "\n"); // what sub/b.txt becomes through a link
        stash = Files.createTempDirectory("p2p-fuzz-stash");
        root = Files.createTempDirectory("p2p-fuzz-shared").toRealPath();
        Files.writeString(root.resolve("a.txt"), "a\n");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub").resolve("b.txt"), "b\n");
        Files.writeString(root.resolve("downloading_c.txt"), "partial\n");
        Files.writeString(root.resolve(".p2p-0123456789abcdef.part"), "partial\n");
        Files.writeString(root.resolve(".p2p-0123456789abcdef.rec"), "record\n");
        Files.createSymbolicLink(root.resolve("leak.txt"), secret);
        Files.createSymbolicLink(root.resolve("secret.txt"), secret);
        Files.createSymbolicLink(root.resolve("outdir"), outside);
        // The clock moves 2 s per look-up, so a miss rescans at once (scans run at most once a second).
        loop = new EventLoop(1024, clock::get);
        loopThread = new Thread(() -> {
            try {
                loop.run(() -> { });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "p2p-loop fuzz");
        loopThread.setDaemon(true);
        loopThread.start();
        folder = onLoop(() -> new SharedFolder(root, loop, Runnable::run));
        assertThat(scan()).as("the index").isEqualTo("[a.txt, b.txt]");
    }

    @AfterAll
    static void stopTheLoopAndRemoveTheFolders() throws Exception {
        loop.stop();
        loopThread.join(TimeUnit.SECONDS.toMillis(10));
        for (Path p : new Path[] {root, outside, stash}) {
            TestFiles.deleteTree(p);
        }
    }

    @FuzzTest(maxDuration = "2m")
    @KeptInputs.Reaches(input = "absolute", branch = "NONE '/etc/passwd' -> passwd: not found")
    @KeptInputs.Reaches(input = "backslash", branch = "NONE '..\\\\leak.txt' -> leak.txt: not found")
    @KeptInputs.Reaches(input = "dotdot", branch = "NONE '../secret.txt' -> secret.txt: not found")
    @KeptInputs.Reaches(input = "parent", branch = "NONE '..' -> ..: not servable ('..' is not a file name)")
    @KeptInputs.Reaches(input = "plain", branch = "NONE 'sub/b.txt' -> b.txt: served 'b\n'")
    @KeptInputs.Reaches(input = "symlink-out", branch = "NONE 'leak.txt' -> leak.txt: not found")
    @KeptInputs.Reaches(input = "through-dir-link", branch = "NONE 'outdir/secret.txt' -> secret.txt: not found")
    @KeptInputs.Reaches(input = "sub-folder-swapped-for-a-link", branch = "SUB_FOLDER_BECOMES_A_LINK_OUT 'b.txt'"
            + " -> b.txt: refused ('b.txt' resolves outside the shared folder)")
    @KeptInputs.Reaches(input = "file-swapped-for-a-link", branch = "FILE_BECOMES_A_LINK_OUT 'a.txt'"
            + " -> a.txt: refused ('a.txt' is no longer a regular file in the folder)")
    void noRequestedNameIsServedFromOutsideTheFolderOrThroughALink(FuzzedDataProvider data) throws Exception {
        Change change = Change.values()[data.consumeInt(0, Change.values().length - 1)];
        String name = data.consumeRemainingAsString();
        restore();
        scan(); // the index as the node built it...
        apply(change); // ...and the folder changed since
        // A peer's name (Get datagram or request line): only its base name is looked up and served.
        String base = Names.baseName(name);
        assertThat(base).doesNotContain("/", "\\");
        String why = Names.whyNotServable(base);
        String outcome = why != null ? "not servable (" + why + ")" : serve(base);
        assertThat(outcome).doesNotContain("never");
        KeptInputs.reached(() -> change + " '" + name + "' -> " + base + ": " + outcome);
        // A name a user asks for: the final file is directly in the folder (the partial file's name
        // never derives from it) and is never one of a partial download.
        if (Names.whyNotRequestable(name) == null) {
            assertThat(name).isEqualTo(base);
            assertThat(root.resolve(name).normalize().getParent()).isEqualTo(root);
            assertThat(name).isNotIn(".", "..");
            assertThat(Names.isPartialFile(name)).isFalse();
        }
    }

    /** What the node does for a request of {@code base}: look-up on the loop, then open and read what it found. */
    private static String serve(String base) throws Exception {
        return onLoop(() -> {
            CompletableFuture<String> served = new CompletableFuture<>();
            clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
            folder.lookup(base, entry -> {
                if (entry == null) {
                    served.complete("not found");
                    return;
                }
                SharedFolder.Reader reader = folder.reader(entry);
                try {
                    FileChannel file = reader.open().channel();
                    assertThat(Files.isSymbolicLink(entry.path())).as("served through a link").isFalse();
                    assertThat(entry.path().toRealPath()).as("real path of what is served").startsWith(root);
                    ByteBuffer content = ByteBuffer.allocate((int) Math.min(file.size(), 1 << 16));
                    while (content.hasRemaining() && file.read(content) > 0) {
                        // read it all: what would go on the wire
                    }
                    served.complete("served '" + new String(content.array(), 0, content.position(),
                            StandardCharsets.UTF_8) + "'");
                } catch (IOException e) {
                    served.complete("refused (" + e.getMessage() + ")");
                } catch (Throwable t) {
                    served.completeExceptionally(t);
                } finally {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        served.completeExceptionally(e);
                    }
                }
            });
            return served;
        }).get(10, TimeUnit.SECONDS);
    }

    /** Rescans the folder on the loop and returns the index's names. */
    private static String scan() throws Exception {
        int before = onLoop(folder::scansDone);
        onLoop(() -> {
            folder.rescan();
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (onLoop(folder::scansDone) == before) {
            assertThat(System.nanoTime()).as("the rescan ended").isLessThan(deadline);
            Thread.onSpinWait(); // the scan runs inline on the loop: its result is one loop turn away
        }
        return onLoop(() -> folder.entries().stream().map(SharedFolder.Entry::name).toList().toString());
    }

    private static void apply(Change change) throws IOException {
        switch (change) {
            case NONE -> { }
            case SUB_FOLDER_BECOMES_A_LINK_OUT -> {
                Files.move(root.resolve("sub"), stash.resolve("sub"));
                Files.createSymbolicLink(root.resolve("sub"), outside);
            }
            case FILE_BECOMES_A_LINK_OUT -> {
                Files.move(root.resolve("a.txt"), stash.resolve("a.txt"));
                Files.createSymbolicLink(root.resolve("a.txt"), outside.resolve("secret.txt"));
            }
        }
    }

    private static void restore() throws IOException {
        for (String name : new String[] {"sub", "a.txt"}) {
            if (Files.exists(stash.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(root.resolve(name));
                Files.move(stash.resolve(name), root.resolve(name));
            }
        }
    }

    /** A question the loop thread must answer (the index is the loop's alone). */
    private interface LoopCall<T> {
        T call() throws Exception;
    }

    private static <T> T onLoop(LoopCall<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        assertThat(loop.execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        })).isTrue();
        return result.get(10, TimeUnit.SECONDS);
    }
}
