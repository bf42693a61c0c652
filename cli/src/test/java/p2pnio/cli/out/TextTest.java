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
                        + " (a 'notes.txt' was already in the folder and is kept)");
        assertThat(Text.event(new NodeEvent.DownloadFinished("notes.txt", "p", 21, 10_000_000L, Path.of("/inbox/notes.txt"))))
                .isEqualTo("finished notes.txt: 21 B in 0.01 s (2.1 KiB/s) from p");
    }
}
