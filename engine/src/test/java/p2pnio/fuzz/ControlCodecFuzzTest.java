package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.Extension;

/**
 * Fuzz targets for the UDP control codec. Without {@code JAZZER_FUZZ} they replay the inputs kept
 * under {@code src/test/resources/p2pnio/fuzz/ControlCodecFuzzTestInputs/<method>/}; with it,
 * Jazzer searches for inputs that break the properties below. A kept input named for a branch
 * must reach it ({@link KeptInputs}).
 */
@ExtendWith(KeptInputs.class)
class ControlCodecFuzzTest {

    private final ControlCodec codec = new ControlCodec();

    @FuzzTest(maxDuration = "2m")
    void anyDatagramDecodesToAMessageOrACountedDropReason(byte[] datagram) {
        ControlCodec.Decoded d = codec.decode(ByteBuffer.wrap(datagram));
        assertThat(d.ok()).isEqualTo(d.dropped() == null);
        if (!d.ok()) {
            return;
        }
        ControlMessage m = d.message();
        if (m instanceof ControlMessage.Get g) {
            assertThat(g.name()).doesNotContain(",", "\n", "\0");
            assertThat(g.name().chars()).noneMatch(Character::isISOControl);
        } else if (m instanceof ControlMessage.FileOffer f) {
            assertThat(f.tcpPort()).isBetween(1, 65535);
            if (f.extended()) {
                assertThat(f.about().version()).startsWith(Extension.VERSION_PREFIX);
                listedWellFormed(new ControlMessage.Listed(f.about().size(), f.about().sha256(), f.about().name()));
            }
        } else if (m instanceof ControlMessage.Discover disc) {
            assertThat(disc.peers()).allSatisfy(p -> assertThat(p).doesNotContain(",", "\n"));
        } else if (m instanceof ControlMessage.Hello h) {
            assertThat(h.version()).startsWith(Extension.VERSION_PREFIX);
            assertThat(h.instance()).doesNotContain(",", "\n");
            assertThat(h.capabilities()).allSatisfy(c -> assertThat(c).doesNotContain(",", "\n", "+"));
        } else if (m instanceof ControlMessage.Ping p) {
            assertThat(p.members()).allSatisfy(ControlCodecFuzzTest::wellFormed);
        } else if (m instanceof ControlMessage.Ack a) {
            assertThat(a.members()).allSatisfy(ControlCodecFuzzTest::wellFormed);
        } else if (m instanceof ControlMessage.ListRequest l) {
            assertThat(l.seq()).isNotNegative();
        } else if (m instanceof ControlMessage.Listing l) {
            assertThat(l.part()).isBetween(1, l.parts());
            assertThat(l.files()).allSatisfy(ControlCodecFuzzTest::listedWellFormed);
        } else {
            throw new AssertionError("a kind of message this property does not know: " + m);
        }
        // What we decoded, re-encoded as our node would send it, decodes to the same message.
        ControlCodec.Decoded again = codec.decode(ByteBuffer.wrap(ControlCodec.encode(m)));
        assertThat(again.ok()).as("re-decode of %s", m).isTrue();
        assertThat(normalise(again.message())).isEqualTo(normalise(m));
    }

    @FuzzTest(maxDuration = "2m")
    @KeptInputs.Reaches(input = "three-peers", branch = "3 peers [127.0.0.1:1, 127.0.0.1:2, [::1]:3] within 32 bytes:"
            + " 2 datagrams, learned [127.0.0.1:1, 127.0.0.1:2, [::1]:3]")
    void discoverListsSplitIntoValidDatagramsAndLoseNoEntryThatFits(FuzzedDataProvider data) {
        int maxBytes = data.consumeInt(16, 4096);
        List<String> peers = new ArrayList<>();
        int n = data.consumeInt(0, 400);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            String p = data.consumeString(300).replace(",", "").replace("\n", "").strip();
            if (!p.isEmpty() && p.chars().noneMatch(Character::isISOControl)) {
                peers.add(p);
            }
        }
        List<byte[]> datagrams = ControlCodec.encodeDiscover(peers, maxBytes);
        assertThat(datagrams).isNotEmpty();
        Set<String> learned = new LinkedHashSet<>();
        for (byte[] d : datagrams) {
            assertThat(d.length).isLessThanOrEqualTo(Math.max(maxBytes, "DISCOVER,\n".length()));
            ControlCodec.Decoded decoded = codec.decode(ByteBuffer.wrap(d));
            assertThat(decoded.message()).isInstanceOf(ControlMessage.Discover.class);
            ((ControlMessage.Discover) decoded.message()).peers().stream().filter(s -> !s.isEmpty())
                    .forEach(learned::add);
        }
        for (String p : peers) {
            boolean fits = "DISCOVER,\n".length() + p.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
            assertThat(learned.contains(p)).as("entry '%s' (fits: %s)", p, fits).isEqualTo(fits);
        }
        KeptInputs.reached(() -> peers.size() + " peers " + peers + " within " + maxBytes + " bytes: "
                + datagrams.size() + " datagrams, learned " + learned);
    }

    /**
     * Any list of files splits into {@code FILES} datagrams of at most the bound, which decode to
     * the same files in the same order, numbered 1..n of n; only a file too long for any datagram
     * is left out.
     */
    @FuzzTest(maxDuration = "2m")
    void filesListingsSplitIntoValidDatagramsAndLoseNoFileThatFits(FuzzedDataProvider data) {
        int maxBytes = data.consumeInt(64, 4096);
        int seq = data.consumeInt(0, Integer.MAX_VALUE);
        List<ControlMessage.Listed> files = new ArrayList<>();
        int n = data.consumeInt(0, 300);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            String name = data.consumeString(300);
            if (p2pnio.wire.Names.whyNotRequestable(name) != null || name.contains("/")) {
                continue;
            }
            String digest = data.consumeBoolean() ? "" : "ab".repeat(32);
            files.add(new ControlMessage.Listed(data.consumeLong(0, 9_999_999_999L), digest, name));
        }
        List<ControlMessage.Listing> parts = ControlCodec.splitListing(seq, files, maxBytes);
        List<ControlMessage.Listed> back = new ArrayList<>();
        for (ControlMessage.Listing part : parts) {
            byte[] bytes = ControlCodec.encode(part);
            assertThat(bytes.length).isLessThanOrEqualTo(maxBytes);
            ControlCodec.Decoded d = codec.decode(ByteBuffer.wrap(bytes));
            assertThat(d.message()).as("decode of %s", new String(bytes, StandardCharsets.UTF_8)).isEqualTo(part);
            assertThat(part.parts()).isEqualTo(parts.size());
            back.addAll(part.files());
        }
        List<ControlMessage.Listed> fitting = files.stream()
                .filter(f -> ControlCodec.encode(new ControlMessage.Listing(seq, 1, 1, List.of(f))).length
                        + 2 * 9 <= maxBytes).toList();
        assertThat(back).containsAll(fitting);
        assertThat(files).containsAll(back);
    }

    private static void listedWellFormed(ControlMessage.Listed f) {
        assertThat(f.size()).isBetween(0L, 9_999_999_999L);
        assertThat(ControlCodec.isDigest(f.sha256())).isTrue();
        assertThat(f.name()).doesNotContain(",", "\n", "\0");
    }

    private static void wellFormed(ControlMessage.Member m) {
        assertThat(m.state()).isIn(ControlMessage.Member.ALIVE, ControlMessage.Member.SUSPECT,
                ControlMessage.Member.DEAD);
        assertThat(m.instance() + m.address()).doesNotContain(",", "\n");
        assertThat(m.incarnation()).isNotNegative();
    }

    /**
     * Empty DISCOVER entries carry nothing, and the last field of a message travels trimmed: a
     * receiver trims the whole datagram before it keeps the first line (PROTOCOL.md 1), so white
     * space that ended the first line of a longer datagram is gone once re-encoded alone (found by
     * Jazzer: crash-a3f2072c..., kept as a regression input).
     */
    private static Object normalise(ControlMessage m) {
        if (m instanceof ControlMessage.Discover d) {
            List<String> peers = new ArrayList<>(d.peers());
            if (!peers.isEmpty()) {
                peers.set(peers.size() - 1, peers.get(peers.size() - 1).strip());
            }
            return peers.stream().filter(s -> !s.isEmpty()).toList();
        }
        if (m instanceof ControlMessage.Get g) {
            return new ControlMessage.Get(g.name().strip(), g.marked());
        }
        return m;
    }
}
