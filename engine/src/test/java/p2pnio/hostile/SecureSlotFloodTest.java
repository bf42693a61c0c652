package p2pnio.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link SlotFloodTest} against a node in secure mode (issue 15): every upload slot held by TCP
 * connections that never start the TLS handshake, or that send a ClientHello, get the node's
 * answer and never finish it. The handshake deadline ({@code requestLineTimeout}, counted from
 * the accept) frees every slot, and a member's download over TLS completes.
 *
 * <p>The bound the settings give: every flooding connection was accepted before the clock starts
 * (all the slots are open then, and in the flood that starts handshakes the node has answered
 * every ClientHello), so all are dropped within {@code DEADLINE} of it, however
 * many slots there are; the member, refused meanwhile, tries again after {@code RETRY},
 * {@code 2 RETRY}, {@code 4 RETRY}, then every {@code 4 RETRY} ({@code getRetryInitial}), so its
 * first try after the slots are free begins within {@code 4 RETRY} of that, and then takes what the
 * same download takes unflooded (measured in the same run, just before the flood). Hence it waits
 * at most {@code DEADLINE + 4 RETRY + unflooded}.
 */
class SecureSlotFloodTest {

    /** Connections that never start the handshake cost the node nothing but a slot: all 512, the default. */
    private static final int IDLE_SLOTS = 512;
    /**
     * Connections that start it cost a server handshake each (an ECDHE key and a signature, on the
     * node's one background thread): on two shared cores the node did not answer 512 ClientHellos
     * within the 2 s deadline, and a member's handshake would queue behind the flood's. 128 are all
     * answered before the clock starts, so the bound below holds with nothing queued.
     */
    private static final int HANDSHAKE_SLOTS = 128;
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final Duration RETRY = Duration.ofMillis(250);

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = SlotFlood.Kind.class, names = {"TLS_NEVER_STARTED", "TLS_NEVER_FINISHED"})
    void aMembersDownloadRefusedByAFloodOfUnfinishedHandshakesCompletesOnceTheHandshakeDeadlineFreesTheSlots(
            SlotFlood.Kind kind) throws Exception {
        int slots = kind == SlotFlood.Kind.TLS_NEVER_FINISHED ? HANDSHAKE_SLOTS : IDLE_SLOTS;
        SlotFlood.Outcome outcome = SlotFlood.measure(tmp, slots, DEADLINE, Duration.ofSeconds(30), false, kind, RETRY);
        Duration bound = DEADLINE.plus(RETRY.multipliedBy(4)).plus(outcome.unflooded());
        System.out.printf("secure slot flood (%s) of %d connections, handshake deadline %d s, getRetryInitial %d ms: "
                        + "the member's download %s; bound %.2f s%n", kind, slots, DEADLINE.toSeconds(), RETRY.toMillis(),
                outcome, bound.toMillis() / 1e3);
        assertThat(outcome.finished()).as(outcome.toString()).isTrue();
        assertThat(outcome.retries()).as("the flood refused it at first").isPositive();
        assertThat(outcome.after()).as("waited (%s), bound DEADLINE + 4 RETRY + unflooded", outcome).isLessThanOrEqualTo(bound);
    }
}
