package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.Fingerprint;
import p2pnio.secure.Seal;
import p2pnio.wire.DropReason;

/**
 * Fuzz targets for the authenticated datagram of secure mode ({@link Seal}). Without
 * {@code JAZZER_FUZZ} they replay the inputs kept under
 * {@code src/test/resources/p2pnio/fuzz/SealFuzzTestInputs/<method>/}; with it, Jazzer searches for
 * bytes that open without being sealed by a member, or that make opening throw.
 */
class SealFuzzTest {

    private static final byte[] KEY = new byte[ClusterSecret.BYTES];
    private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 1378);
    private static final long NOW = 1_800_000_000_000L;

    private static Seal seal() {
        return new Seal(ClusterSecret.of(KEY), Fingerprint.of(new byte[Fingerprint.BYTES], 0), NODE::equals,
                () -> NOW, Duration.ofSeconds(30));
    }

    /** Any bytes, sealed-looking or not: they never open (nobody here sealed them), never throw, and are left as they were. */
    @FuzzTest(maxDuration = "2m")
    void bytesNoMemberSealedNeverOpen(byte[] datagram) {
        ByteBuffer in = ByteBuffer.wrap(datagram);
        DropReason why = seal().open(in);
        assertThat(why).isNotNull();
        assertThat(why.name()).startsWith("AUTH_");
        assertThat(in.position()).isZero();
        assertThat(in.limit()).isEqualTo(datagram.length);
    }

    /**
     * A member's genuine datagram opens exactly once, to exactly its message; with any change to
     * its bytes (flipped, cut, lengthened) it opens never.
     */
    @FuzzTest(maxDuration = "2m")
    void aGenuineDatagramOpensOnceAndAnyChangeToItIsRefused(FuzzedDataProvider data) {
        byte[] message = data.consumeBytes(data.consumeInt(0, 1900));
        Seal sender = seal();
        ByteBuffer s = sender.seal(NODE, message);
        byte[] genuine = new byte[s.remaining()];
        s.get(genuine);
        byte[] changed = genuine.clone();
        int changes = data.consumeInt(0, 4);
        for (int i = 0; i < changes; i++) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    if (changed.length > 0) {
                        int at = data.consumeInt(0, changed.length - 1);
                        changed[at] ^= (byte) data.consumeInt(1, 255);
                    }
                }
                case 1 -> changed = Arrays.copyOf(changed, data.consumeInt(0, changed.length));
                default -> {
                    byte[] more = data.consumeBytes(data.consumeInt(1, 64));
                    byte[] longer = Arrays.copyOf(changed, changed.length + more.length);
                    System.arraycopy(more, 0, longer, changed.length, more.length);
                    changed = longer;
                }
            }
        }
        Seal receiver = seal();
        ByteBuffer in = ByteBuffer.wrap(changed);
        DropReason why = receiver.open(in);
        if (!Arrays.equals(changed, genuine)) {
            assertThat(why).as("a changed datagram").isNotNull();
            return;
        }
        assertThat(why).isNull();
        byte[] opened = new byte[in.remaining()];
        in.get(opened);
        assertThat(opened).isEqualTo(message);
        assertThat(receiver.open(ByteBuffer.wrap(genuine))).isEqualTo(DropReason.AUTH_REPLAYED);
    }
}
