package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import p2pnio.wire.DropReason;

class SealTest {

    static final ClusterSecret SECRET = ClusterSecret.of(bytes(1));
    static final ClusterSecret OTHER = ClusterSecret.of(bytes(2));
    static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 4002);
    static final Fingerprint A_ID = Fingerprint.of(bytes(0xa), 0);
    static final Fingerprint B_ID = Fingerprint.of(bytes(0xb), 0);
    static final Duration SKEW = Duration.ofSeconds(30);

    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final Seal a = new Seal(SECRET, A_ID, to -> false, clock::get, SKEW);
    final Seal b = new Seal(SECRET, B_ID, B::equals, clock::get, SKEW);

    static byte[] bytes(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    static ByteBuffer copy(ByteBuffer sealed) {
        ByteBuffer c = ByteBuffer.allocate(sealed.remaining());
        c.put(sealed.duplicate()).flip();
        return c;
    }

    ByteBuffer sealedForB(String message) {
        return copy(a.seal(B, message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMemberOpensWhatAnotherMemberSealedForIt() {
        ByteBuffer d = sealedForB("Get,a.txt\n");
        assertThat(d.remaining()).isEqualTo("Get,a.txt\n".length() + Seal.OVERHEAD);
        assertThat(Seal.looksSealed(d)).isTrue();
        assertThat(b.open(d)).isNull();
        assertThat(StandardCharsets.UTF_8.decode(d).toString()).isEqualTo("Get,a.txt\n");
        assertThat(b.sender()).isEqualTo(A_ID);
    }

    @Test
    void aPlainDatagramIsMissingItsSeal() {
        ByteBuffer plain = ByteBuffer.wrap("DISCOVER,\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(Seal.looksSealed(plain)).isFalse();
        assertThat(b.open(plain)).isEqualTo(DropReason.AUTH_MISSING);
        assertThat(plain.position()).isZero();
    }

    @Test
    void aTruncatedOrUnknownFormatIsMalformed() {
        ByteBuffer d = sealedForB("x");
        d.limit(Seal.OVERHEAD - 1);
        assertThat(b.open(d)).isEqualTo(DropReason.AUTH_MALFORMED);
        ByteBuffer e = sealedForB("x");
        e.put(4, (byte) 2);
        assertThat(b.open(e)).isEqualTo(DropReason.AUTH_MALFORMED);
    }

    @Test
    void anotherClustersSecretIsToldApartFromAForgery() {
        Seal stranger = new Seal(OTHER, A_ID, to -> false, clock::get, SKEW);
        ByteBuffer d = copy(stranger.seal(B, "Get,a.txt\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(b.open(d)).isEqualTo(DropReason.AUTH_OTHER_SECRET);
        assertThat(b.otherKeyId()).isEqualTo(stranger.keyId()).isNotEqualTo(b.keyId());
    }

    @Test
    void everyAlteredByteBreaksTheTag() {
        ByteBuffer original = sealedForB("File,1,4000\n");
        for (int i = Seal.KEY_ID + 4; i < original.limit(); i++) {
            ByteBuffer d = copy(original);
            d.put(i, (byte) (d.get(i) ^ 1));
            assertThat(b.open(d)).as("byte %d flipped", i).isEqualTo(DropReason.AUTH_BAD_TAG);
        }
        assertThat(b.open(copy(original))).isNull();
    }

    @Test
    void aGenuineDatagramSentOnToAnotherNodeIsRefused() {
        Seal c = new Seal(SECRET, B_ID, new InetSocketAddress("127.0.0.1", 4003)::equals, clock::get, SKEW);
        assertThat(c.open(sealedForB("DISCOVER,\n"))).isEqualTo(DropReason.AUTH_WRONG_DESTINATION);
    }

    @Test
    void aReplayIsRefusedAndTheOriginalCountsOnce() {
        ByteBuffer d = sealedForB("Get,a.txt\n");
        ByteBuffer replay = copy(d);
        assertThat(b.open(d)).isNull();
        assertThat(b.open(replay)).isEqualTo(DropReason.AUTH_REPLAYED);
    }

    @Test
    void aDatagramFromTooFarInThePastOrFutureIsClockSkew() {
        ByteBuffer d = sealedForB("DISCOVER,\n");
        clock.addAndGet(SKEW.toMillis() + 1);
        assertThat(b.open(d)).isEqualTo(DropReason.AUTH_CLOCK_SKEW);
        assertThat(b.skewMillis()).isEqualTo(-(SKEW.toMillis() + 1));

        Seal ahead = new Seal(SECRET, A_ID, to -> false, () -> clock.get() + SKEW.toMillis() + 1, SKEW);
        ByteBuffer e = copy(ahead.seal(B, "DISCOVER,\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(b.open(e)).isEqualTo(DropReason.AUTH_CLOCK_SKEW);
        assertThat(b.skewMillis()).isPositive();
    }

    @Test
    void datagramsWithinTheSkewAreAcceptedInAnyOrder() {
        ByteBuffer first = sealedForB("Get,1\n");
        clock.addAndGet(1000);
        ByteBuffer second = sealedForB("Get,2\n");
        assertThat(b.open(second)).isNull();
        assertThat(b.open(first)).isNull();
    }
}
