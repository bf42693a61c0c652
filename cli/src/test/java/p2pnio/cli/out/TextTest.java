package p2pnio.cli.out;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import p2pnio.NodeEvent;

/** What a person reads for the events of a peer that does not serve and of a download kept beside a file. */
class TextTest {

    @Test
    void aRetrySaysWhatThePeerDidWhenItIsTriedAgainAndThatTheClusterIsAskedAgain() {
        assertThat(Text.event(new NodeEvent.RequestRetrying("big.bin", "127.0.0.1:42100",
                "127.0.0.1:42100 reset the connection before sending a header (Connection reset; its upload slots"
                        + " may all be taken)", 2_000_000_000L)))
                .isEqualTo("big.bin: 127.0.0.1:42100 reset the connection before sending a header (Connection reset;"
                        + " its upload slots may all be taken); trying it again in 2.00 s, and asking the cluster again");
        assertThat(Text.event(new NodeEvent.RequestRetrying("a.bin", "p", "p refused the connection", -1)))
                .isEqualTo("a.bin: p refused the connection; no time left to try it again, and asking the cluster again");
    }

    @Test
    void aDownloadSavedBesideAnExistingFileSaysWhereItWent() {
        assertThat(Text.event(new NodeEvent.DownloadFinished("notes.txt", "127.0.0.1:1379", 21, 10_000_000L,
                Path.of("/inbox/notes (1).txt"))))
                .isEqualTo("finished notes.txt: 21 B in 0.01 s (2.1 KiB/s) from 127.0.0.1:1379; saved as 'notes (1).txt'"
                        + " (a 'notes.txt' was already in the folder and is kept); not verified (plain peer)");
        assertThat(Text.event(new NodeEvent.DownloadFinished("notes.txt", "p", 21, 10_000_000L, Path.of("/inbox/notes.txt"))))
                .isEqualTo("finished notes.txt: 21 B in 0.01 s (2.1 KiB/s) from p; not verified (plain peer)");
    }

    @Test
    void aVerifiedDownloadShowsItsDigestInShortForm() {
        String sha = "093076c47692a2932590da1bc439224d6ead0f42fe2eb39bbd26182c99f6468d";
        assertThat(Text.event(new NodeEvent.DownloadFinished("a.txt", "p", 33, 10_000_000L, Path.of("/in/a.txt"), sha, null)))
                .isEqualTo("finished a.txt: 33 B in 0.01 s (3.2 KiB/s) from p; verified sha256:093076c47692a293…");
        assertThat(Text.event(new NodeEvent.DigestMismatch("a.txt", "1.2.3.4:5", sha, "ab".repeat(32), "its SHA-256 is ...", true)))
                .isEqualTo("a.txt from 1.2.3.4:5 is not what it announced: sha256 " + "ab".repeat(32) + ", announced " + sha
                        + "; the partial file is deleted, trying another peer");
        assertThat(Text.files(java.util.List.of(new NodeEvent.FileInfo("a.txt", 33, sha), new NodeEvent.FileInfo("b", 1))))
                .containsExactly("NAME   SIZE  SHA-256", "a.txt  33 B  sha256:093076c47692a293…", "b      1 B   (not hashed yet)");
    }
}
