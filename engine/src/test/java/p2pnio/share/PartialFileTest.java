package p2pnio.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.wire.Names;

/** The partial-file scheme on real files: names, the keep-both rule, the checks, the sweep. */
class PartialFileTest {

    @TempDir
    Path root;

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private PartialFile written(String name, String content) throws IOException {
        PartialFile p = new PartialFile(root, name, content.length(), "127.0.0.1:1");
        p.create();
        p.channel().write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
        return p;
    }

    @Test
    void aPartialFileHasAShortFixedNameAndARecordThatNamesItsOwner() throws IOException {
        PartialFile p = written("n".repeat(255), "abc");
        assertThat(names(root)).hasSize(2).allMatch(Names::isOurPartialFile);
        assertThat(p.partName()).hasSize(26).startsWith(".p2p-").endsWith(".part");
        Path record = root.resolve(p.partName().replace(".part", ".rec"));
        assertThat(Files.readAllLines(record)).startsWith(PartialFile.FORMAT)
                .contains("name=" + "n".repeat(255), "size=3", "peer=127.0.0.1:1", "pid=" + ProcessHandle.current().pid());
        assertThat(p.publish()).isEqualTo(root.resolve("n".repeat(255)));
        assertThat(names(root)).containsExactly("n".repeat(255));
    }

    @Test
    void publishingNeverReplacesAnythingAndKeepsBoth() throws IOException {
        Files.writeString(root.resolve("a.txt"), "mine");
        Files.writeString(root.resolve("a (1).txt"), "mine too");
        assertThat(written("a.txt", "theirs").publish()).isEqualTo(root.resolve("a (2).txt"));
        assertThat(root.resolve("a.txt")).hasContent("mine");
        assertThat(root.resolve("a (1).txt")).hasContent("mine too");
        assertThat(root.resolve("a (2).txt")).hasContent("theirs");
        assertThat(names(root)).containsExactly("a (1).txt", "a (2).txt", "a.txt");
    }

    @Test
    void aPartFileSwappedForAnotherIsNotPutInPlace() throws IOException {
        PartialFile p = written("a.txt", "ours");
        Path part = root.resolve(p.partName());
        Path other = Files.writeString(root.resolve("other"), "ours"); // same size, another file
        Files.move(other, part, StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(p::publish).hasMessageContaining("is no longer the one this download wrote");
        assertThat(root.resolve("a.txt")).doesNotExist();
        p.discard();
        assertThat(names(root)).isEmpty();
    }

    @Test
    void aShortPartFileIsNotPutInPlace() throws IOException {
        PartialFile p = new PartialFile(root, "a.txt", 10, "peer");
        p.create();
        p.channel().write(ByteBuffer.wrap(new byte[3]));
        assertThatThrownBy(p::publish).hasMessageContaining("3 bytes, 10 expected");
        p.discard();
        assertThat(names(root)).isEmpty();
    }

    @Test
    void aSizeAboveTheFreeSpaceIsRefusedBeforeAnyFileIsMade() throws IOException {
        PartialFile p = new PartialFile(root, "huge.bin", Long.MAX_VALUE, "peer");
        assertThatThrownBy(p::create).hasMessageContaining("not enough disk space for 'huge.bin'");
        assertThat(names(root)).isEmpty();
        p.discard();
    }

    @Test
    void numberedCopiesGoBeforeTheExtensionAndStillFit255Bytes() {
        assertThat(PartialFile.copyName("notes.txt", 1)).isEqualTo("notes (1).txt");
        assertThat(PartialFile.copyName("archive.tar.gz", 2)).isEqualTo("archive.tar (2).gz");
        assertThat(PartialFile.copyName(".bashrc", 1)).isEqualTo(".bashrc (1)");
        assertThat(PartialFile.copyName("README", 12)).isEqualTo("README (12)");
        String long255 = "x".repeat(251) + ".bin";
        assertThat(PartialFile.copyName(long255, 1)).isEqualTo("x".repeat(247) + " (1).bin").hasSize(255);
        String utf8 = "é".repeat(125) + ".bin"; // 254 bytes; é is 2 bytes: cut whole characters only
        String copy = PartialFile.copyName(utf8, 1);
        assertThat(copy.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
        assertThat(copy).isEqualTo("é".repeat(123) + " (1).bin");
        String dotted = "a." + "e".repeat(250); // an "extension" of 251 bytes is no extension
        assertThat(PartialFile.copyName(dotted, 1)).endsWith(" (1)").hasSize(255);
    }

    /** The PID of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private void leftover(String id, long pid, boolean withPart, Instant modified) throws IOException {
        Path rec = root.resolve(PartialFile.recordName(id));
        Files.writeString(rec, PartialFile.FORMAT + "\nname=x\nsize=3\npeer=p\npid=" + pid + "\nstarted=0\n");
        Files.setLastModifiedTime(rec, FileTime.from(modified));
        if (withPart) {
            Path part = Files.writeString(root.resolve(PartialFile.partName(id)), "abc");
            Files.setLastModifiedTime(part, FileTime.from(modified));
        }
    }

    @Test
    void theSweepDeletesOnlyLeftoversOfProcessesThatAreGoneAndUntouchedForAWhile() throws Exception {
        Instant old = Instant.now().minus(PartialFile.SWEEP_AFTER).minusSeconds(60);
        long dead = deadPid();
        leftover("00000000000000a1", dead, true, old); // crashed: deleted
        leftover("00000000000000a2", dead, false, old); // crashed before its part: deleted
        leftover("00000000000000a3", ProcessHandle.current().pid(), true, old); // ours, running: kept
        leftover("00000000000000a4", dead, true, Instant.now()); // recent (another namespace?): kept
        Path orphan = Files.writeString(root.resolve(PartialFile.partName("00000000000000a5")), "abc");
        Files.setLastModifiedTime(orphan, FileTime.from(old)); // a part without a record: deleted
        Files.writeString(root.resolve("user.txt"), "never touched");
        assertThat(PartialFile.sweep(root)).isEqualTo(3);
        assertThat(names(root)).containsExactly(".p2p-00000000000000a3.part", ".p2p-00000000000000a3.rec",
                ".p2p-00000000000000a4.part", ".p2p-00000000000000a4.rec", "user.txt");
    }

    @Test
    void theSweepKeepsADownloadWithADigestForResumeButNotItsRecordAlone() throws Exception {
        Instant old = Instant.now().minus(PartialFile.SWEEP_AFTER).minusSeconds(60);
        long dead = deadPid();
        String digest = "ab".repeat(32);
        for (String id : new String[] {"00000000000000b1", "00000000000000b2"}) {
            Path rec = root.resolve(PartialFile.recordName(id));
            Files.writeString(rec, PartialFile.FORMAT + "\nname=x\nsize=3\npeer=p\npid=" + dead
                    + "\nstarted=0\nsha256=" + digest + "\npiece=1\ndone=0-1\nend=1\n");
            Files.setLastModifiedTime(rec, FileTime.from(old));
        }
        Path part = Files.writeString(root.resolve(PartialFile.partName("00000000000000b1")), "ab");
        Files.setLastModifiedTime(part, FileTime.from(old)); // b1 has its bytes: kept; b2 lost them: deleted
        leftover("00000000000000b3", dead, true, old); // no digest (a reference peer's download): deleted
        assertThat(PartialFile.sweep(root)).isEqualTo(2);
        assertThat(names(root)).containsExactly(".p2p-00000000000000b1.part", ".p2p-00000000000000b1.rec");

        PartialFile resumed = PartialFile.resume(root, "x", 3, "p", digest, 1);
        assertThat(resumed).isNotNull();
        assertThat(resumed.done()).isEqualTo(java.util.BitSet.valueOf(new long[] {0b11}));
        assertThat(Files.readString(root.resolve(PartialFile.recordName("00000000000000b1"))))
                .contains("pid=" + ProcessHandle.current().pid()); // taken over by this process
        resumed.discard();
        assertThat(names(root)).isEmpty();
    }

    @Test
    void aRecordCutShortByACrashNamesNoPieceDone() throws Exception {
        String digest = "cd".repeat(32);
        Path rec = root.resolve(PartialFile.recordName("00000000000000c1"));
        Files.writeString(root.resolve(PartialFile.partName("00000000000000c1")), "abcdef");
        Files.writeString(rec, PartialFile.FORMAT + "\nname=y\nsize=6\npeer=p\npid=" + deadPid()
                + "\nstarted=0\nsha256=" + digest + "\npiece=1\ndone=0-5\n"); // no end=1: cut while written
        PartialFile resumed = PartialFile.resume(root, "y", 6, "p", digest, 1);
        assertThat(resumed.done().isEmpty()).isTrue();
        resumed.discard();
    }

    @Test
    void theDonePiecesAreWrittenSoThatACutKeepsASubsetOrNothing() {
        java.util.BitSet bits = new java.util.BitSet();
        bits.set(0, 4);
        bits.set(5);
        bits.set(9, 13);
        String text = PartialFile.ranges(bits);
        assertThat(text).isEqualTo("0-3,5-5,9-12");
        assertThat(PartialFile.parseRanges(text, 13)).isEqualTo(bits);
        for (int cut = 0; cut < text.length(); cut++) {
            java.util.BitSet read = PartialFile.parseRanges(text.substring(0, cut), 13);
            java.util.BitSet extra = (java.util.BitSet) read.clone();
            extra.andNot(bits);
            assertThat(extra.isEmpty()).as("cut at %d: %s", cut, read).isTrue();
        }
        assertThat(PartialFile.parseRanges("0-13", 13).isEmpty()).as("a piece past the end").isTrue();
    }
}
