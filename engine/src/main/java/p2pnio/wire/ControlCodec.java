package p2pnio.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes UDP control messages, byte for byte as the reference node does.
 *
 * <p>Decoding follows the reference receiver (trim surrounding white space, keep the first line,
 * split on every {@code ,}) and is stricter where PROTOCOL.md says ours is: invalid UTF-8, a
 * control character in the first line, and every malformed field are reported as a
 * {@link DropReason} instead of a message. A decoder instance keeps reusable buffers and is for
 * one thread; {@link #encode} is static and thread-safe.
 */
public final class ControlCodec {

    /** The largest datagram the reference node reads, and the split size of our DISCOVER lists. */
    public static final int MAX_DATAGRAM = 2048;

    private static final String DISCOVER = "DISCOVER";
    private static final String GET = "Get";
    private static final String FILE = "File";
    private static final String HELLO = "HELLO";
    private static final String PING = "PING";
    private static final String ACK = "ACK";
    private static final String LIST = "LIST";
    private static final String FILES = "FILES";
    /** Hex digits of a SHA-256 on the wire. */
    public static final int SHA256_HEX = 64;

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(MAX_DATAGRAM);

    /** What decoding one datagram gave: a message, or the reason it was dropped. */
    public record Decoded(ControlMessage message, DropReason dropped) {
        static Decoded of(ControlMessage message) {
            return new Decoded(message, null);
        }

        static Decoded drop(DropReason reason) {
            return new Decoded(null, reason);
        }

        /** True when the datagram held a message. */
        public boolean ok() {
            return message != null;
        }
    }

    /** The exact bytes of {@code message} on the wire. */
    public static byte[] encode(ControlMessage message) {
        String text;
        if (message instanceof ControlMessage.Discover d) {
            text = DISCOVER + "," + String.join(",", d.peers()) + "\n";
        } else if (message instanceof ControlMessage.Get g) {
            text = GET + "," + g.name() + (g.marked() ? "," + Extension.VERSION : "") + "\n";
        } else if (message instanceof ControlMessage.Ping p) {
            StringBuilder b = new StringBuilder(PING).append(',').append(Extension.VERSION).append(',').append(p.seq())
                    .append(',').append(p.digest());
            members(b, p.members());
            text = b.append('\n').toString();
        } else if (message instanceof ControlMessage.Ack a) {
            StringBuilder b = new StringBuilder(ACK).append(',').append(Extension.VERSION).append(',').append(a.seq());
            members(b, a.members());
            text = b.append('\n').toString();
        } else if (message instanceof ControlMessage.Hello h) {
            text = HELLO + "," + h.version() + "," + h.instance() + "," + String.join("+", h.capabilities()) + "\n";
        } else if (message instanceof ControlMessage.ListRequest l) {
            text = LIST + "," + Extension.VERSION + "," + l.seq() + "\n";
        } else if (message instanceof ControlMessage.Listing l) {
            StringBuilder b = new StringBuilder(FILES).append(',').append(Extension.VERSION).append(',').append(l.seq())
                    .append(',').append(l.part()).append(',').append(l.parts());
            for (ControlMessage.Listed f : l.files()) {
                listed(b.append(','), f);
            }
            text = b.append('\n').toString();
        } else {
            ControlMessage.FileOffer f = (ControlMessage.FileOffer) message;
            StringBuilder b = new StringBuilder(FILE).append(',').append(f.method()).append(',').append(f.tcpPort());
            ControlMessage.Offered o = f.about();
            if (o != null) {
                b.append(',').append(o.version()).append(',').append(String.join("+", o.capabilities())).append(',')
                        .append(o.size()).append(',').append(o.sha256()).append(',').append(o.name());
            }
            text = b.append('\n').toString();
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Encodes a DISCOVER list as one datagram or, when it would exceed {@code maxBytes}, as several,
     * each a valid DISCOVER. Merging is additive, so a receiver learns the same from the parts as
     * from the whole. An entry too long to fit even alone is left out. An empty list gives one
     * {@code DISCOVER,\n}.
     */
    public static List<byte[]> encodeDiscover(List<String> peers, int maxBytes) {
        return encodeDiscover(null, peers, maxBytes);
    }

    /**
     * As {@link #encodeDiscover(List, int)}, with {@code self} (the sender's own address, or null)
     * as the first entry of every datagram: the self-announcement a reference node merges like
     * any entry, and by which our nodes recognise each other.
     */
    public static List<byte[]> encodeDiscover(String self, List<String> peers, int maxBytes) {
        List<byte[]> out = new ArrayList<>();
        String head = self == null ? DISCOVER + "," : DISCOVER + "," + self;
        StringBuilder part = new StringBuilder(head);
        int partBytes = utf8Length(head) + 1; // + the final newline
        int entries = self == null ? 0 : 1;
        int emptyPartBytes = partBytes + (self == null ? 0 : 1);
        for (String peer : peers) {
            if (emptyPartBytes + utf8Length(peer) > maxBytes) {
                continue; // cannot fit in any datagram
            }
            int entryBytes = utf8Length(peer) + (entries == 0 ? 0 : 1);
            if (partBytes + entryBytes > maxBytes) {
                out.add(part.append('\n').toString().getBytes(StandardCharsets.UTF_8));
                part.setLength(0);
                part.append(head);
                partBytes = utf8Length(head) + 1;
                entries = self == null ? 0 : 1;
                entryBytes = utf8Length(peer) + (entries == 0 ? 0 : 1);
            }
            if (entries > 0) {
                part.append(',');
            }
            part.append(peer);
            partBytes += entryBytes;
            entries++;
        }
        if (entries > (self == null ? 0 : 1) || out.isEmpty()) {
            out.add(part.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Appends the wire form of one listed file, {@code <size>/<sha256>/<name>}. */
    public static StringBuilder listed(StringBuilder b, ControlMessage.Listed f) {
        return b.append(f.size()).append('/').append(f.sha256()).append('/').append(f.name());
    }

    /** Bytes of one listed file on the wire, with its separating comma. */
    public static int listedBytes(ControlMessage.Listed f) {
        return 3 + Long.toString(f.size()).length() + f.sha256().length() + utf8Length(f.name());
    }

    /**
     * Splits {@code files} into {@code FILES} datagrams of at most {@code maxBytes} each, answering
     * the {@code LIST} numbered {@code seq}; a file too long to fit even alone is left out. No
     * files give one empty part ({@code FILES,p2pnio/1,<seq>,1,1}).
     */
    public static List<ControlMessage.Listing> splitListing(int seq, List<ControlMessage.Listed> files, int maxBytes) {
        int head = utf8Length(FILES + "," + Extension.VERSION + "," + seq) + 2 * (1 + 10) + 1; // part, parts, newline
        List<List<ControlMessage.Listed>> parts = new ArrayList<>();
        List<ControlMessage.Listed> part = new ArrayList<>();
        int bytes = head;
        for (ControlMessage.Listed f : files) {
            int n = listedBytes(f);
            if (head + n > maxBytes) {
                continue;
            }
            if (bytes + n > maxBytes) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = head;
            }
            part.add(f);
            bytes += n;
        }
        if (!part.isEmpty() || parts.isEmpty()) {
            parts.add(part);
        }
        List<ControlMessage.Listing> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            out.add(new ControlMessage.Listing(seq, i + 1, parts.size(), parts.get(i)));
        }
        return out;
    }

    /** Decodes the bytes between {@code datagram}'s position and limit (consuming them). */
    public Decoded decode(ByteBuffer datagram) {
        if (datagram.remaining() > chars.capacity()) {
            chars = CharBuffer.allocate(datagram.remaining());
        }
        chars.clear();
        utf8.reset();
        try {
            var result = utf8.decode(datagram, chars, true);
            if (result.isError()) {
                return Decoded.drop(DropReason.NOT_UTF8);
            }
            result = utf8.flush(chars);
            if (result.isError()) {
                return Decoded.drop(DropReason.NOT_UTF8);
            }
        } catch (IllegalStateException e) {
            return Decoded.drop(DropReason.NOT_UTF8);
        }
        chars.flip();
        return decode(chars.toString());
    }

    /** Decodes a message already in text form. */
    public static Decoded decode(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return Decoded.drop(DropReason.EMPTY);
        }
        int newline = s.indexOf('\n');
        if (newline >= 0) {
            s = s.substring(0, newline);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return Decoded.drop(DropReason.CONTROL_CHARACTER);
            }
        }
        String[] parts = s.split(",", -1);
        switch (parts[0]) {
            case DISCOVER:
                return Decoded.of(new ControlMessage.Discover(
                        parts.length < 2 ? List.of() : List.of(parts).subList(1, parts.length)));
            case GET:
                if (parts.length < 2) {
                    return Decoded.drop(DropReason.GET_WITHOUT_NAME);
                }
                return Decoded.of(new ControlMessage.Get(parts[1],
                        parts.length > 2 && Extension.isVersion(parts[2])));
            case FILE:
                if (parts.length < 3) {
                    return Decoded.drop(DropReason.FILE_TOO_SHORT);
                }
                Integer method = parseInt(parts[1]);
                if (method == null) {
                    return Decoded.drop(DropReason.FILE_BAD_METHOD);
                }
                Integer port = parseInt(parts[2]);
                if (port == null || port < 1 || port > 65535) {
                    return Decoded.drop(DropReason.FILE_BAD_PORT);
                }
                if (parts.length > 3 && Extension.isVersion(parts[3])) {
                    return offered(s, parts, method, port);
                }
                return Decoded.of(new ControlMessage.FileOffer(method, port));
            case HELLO:
                return hello(parts);
            case PING:
                return gossip(parts, true);
            case ACK:
                return gossip(parts, false);
            case LIST:
                return list(parts);
            case FILES:
                return listing(parts);
            default:
                return Decoded.drop(DropReason.UNKNOWN_TYPE);
        }
    }

    private static void members(StringBuilder b, List<ControlMessage.Member> members) {
        for (ControlMessage.Member m : members) {
            b.append(',');
            member(b, m);
        }
    }

    /** Appends the wire form of one member, {@code <state>/<instance>/<incarnation>/<address>}. */
    public static StringBuilder member(StringBuilder b, ControlMessage.Member m) {
        return b.append(m.state()).append('/').append(m.instance()).append('/').append(m.incarnation())
                .append('/').append(m.address());
    }

    /** Bytes of one member on the wire, with its separating comma. */
    public static int memberBytes(ControlMessage.Member m) {
        return 5 + m.instance().length() + Integer.toString(m.incarnation()).length() + utf8Length(m.address());
    }

    private static Decoded gossip(String[] parts, boolean ping) {
        int first = ping ? 4 : 3;
        if (parts.length < first || !Extension.isVersion(parts[1])) {
            return Decoded.drop(DropReason.GOSSIP_MALFORMED);
        }
        Integer seq = parseInt(parts[2]);
        if (seq == null || seq < 0 || (ping && !MemberDigest.isWellFormed(parts[3]))) {
            return Decoded.drop(DropReason.GOSSIP_MALFORMED);
        }
        List<ControlMessage.Member> members = new ArrayList<>(parts.length - first);
        for (int i = first; i < parts.length; i++) {
            ControlMessage.Member m = member(parts[i]);
            if (m == null) {
                return Decoded.drop(DropReason.GOSSIP_MALFORMED);
            }
            members.add(m);
        }
        if (members.isEmpty()) {
            return Decoded.drop(DropReason.GOSSIP_MALFORMED); // the sender itself comes first, always
        }
        return Decoded.of(ping ? new ControlMessage.Ping(seq, parts[3], members) : new ControlMessage.Ack(seq, members));
    }

    private static ControlMessage.Member member(String s) {
        int a = s.indexOf('/');
        int b = a < 0 ? -1 : s.indexOf('/', a + 1);
        int c = b < 0 ? -1 : s.indexOf('/', b + 1);
        if (a != 1 || c < 0) {
            return null;
        }
        char state = s.charAt(0);
        String instance = s.substring(a + 1, b);
        Integer incarnation = parseInt(s.substring(b + 1, c));
        String address = s.substring(c + 1);
        if ((state != ControlMessage.Member.ALIVE && state != ControlMessage.Member.SUSPECT
                && state != ControlMessage.Member.DEAD) || !Extension.isInstance(instance)
                || incarnation == null || incarnation < 0 || HostPort.whyInvalid(address) != null) {
            return null;
        }
        return new ControlMessage.Member(state, instance, incarnation, address);
    }

    /**
     * The extended {@code File}: {@code File,1,<port>,p2pnio/<n>,<caps>,<size>,<sha256>,<name>}.
     * The name is the rest of the line after the seventh {@code ,}.
     */
    private static Decoded offered(String line, String[] parts, int method, int port) {
        if (parts.length < 8) {
            return Decoded.drop(DropReason.FILE_EXTENSION_MALFORMED);
        }
        List<String> caps = tokens(parts[4]);
        long size = parseSize(parts[5]);
        String name = line.substring(nthComma(line, 7) + 1);
        if (caps == null || size < 0 || !isDigest(parts[6]) || Names.whyNotRequestable(name) != null) {
            return Decoded.drop(DropReason.FILE_EXTENSION_MALFORMED);
        }
        return Decoded.of(new ControlMessage.FileOffer(method, port,
                new ControlMessage.Offered(parts[3], caps, size, parts[6], name)));
    }

    private static Decoded list(String[] parts) {
        Integer seq = parts.length < 3 || !Extension.isVersion(parts[1]) ? null : parseInt(parts[2]);
        if (seq == null || seq < 0) {
            return Decoded.drop(DropReason.LIST_MALFORMED);
        }
        return Decoded.of(new ControlMessage.ListRequest(seq));
    }

    private static Decoded listing(String[] parts) {
        if (parts.length < 5 || !Extension.isVersion(parts[1])) {
            return Decoded.drop(DropReason.FILES_MALFORMED);
        }
        Integer seq = parseInt(parts[2]);
        Integer part = parseInt(parts[3]);
        Integer count = parseInt(parts[4]);
        if (seq == null || seq < 0 || part == null || count == null || part < 1 || part > count) {
            return Decoded.drop(DropReason.FILES_MALFORMED);
        }
        List<ControlMessage.Listed> files = new ArrayList<>(parts.length - 5);
        for (int i = 5; i < parts.length; i++) {
            String entry = parts[i];
            int a = entry.indexOf('/');
            int b = a < 0 ? -1 : entry.indexOf('/', a + 1);
            if (b < 0) {
                return Decoded.drop(DropReason.FILES_MALFORMED);
            }
            long size = parseSize(entry.substring(0, a));
            String digest = entry.substring(a + 1, b);
            String name = entry.substring(b + 1);
            if (size < 0 || !isDigest(digest) || Names.whyNotRequestable(name) != null) {
                return Decoded.drop(DropReason.FILES_MALFORMED);
            }
            files.add(new ControlMessage.Listed(size, digest, name));
        }
        return Decoded.of(new ControlMessage.Listing(seq, part, count, files));
    }

    /** True if {@code s} is empty (not hashed yet) or 64 lower-case hex digits. */
    public static boolean isDigest(String s) {
        if (s.isEmpty()) {
            return true;
        }
        if (s.length() != SHA256_HEX) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** A size field: 1 to 10 decimal digits, no sign (at most {@link TransferHeader#MAX_SIZE}); else -1. */
    private static long parseSize(String s) {
        return Extension.decimal(s, 10);
    }

    private static int nthComma(String s, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = s.indexOf(',', at + 1);
        }
        return at;
    }

    /** Capability tokens joined by {@code +} (empty: none); null if one is no token or too many. */
    private static List<String> tokens(String field) {
        List<String> caps = new ArrayList<>();
        if (!field.isEmpty()) {
            for (String token : field.split("\\+", -1)) {
                if (!Extension.isToken(token) || caps.size() >= Extension.MAX_CAPABILITIES) {
                    return null;
                }
                caps.add(token);
            }
        }
        return caps;
    }

    private static Decoded hello(String[] parts) {
        if (parts.length < 4 || !Extension.isVersion(parts[1]) || !Extension.isInstance(parts[2])) {
            return Decoded.drop(DropReason.HELLO_MALFORMED);
        }
        List<String> caps = tokens(parts[3]);
        if (caps == null) {
            return Decoded.drop(DropReason.HELLO_MALFORMED);
        }
        return Decoded.of(new ControlMessage.Hello(parts[1], parts[2], caps));
    }

    /** Like Go's {@code strconv.Atoi}: optional sign, decimal digits, fits an int; else null. */
    private static Integer parseInt(String s) {
        if (s.isEmpty() || s.length() > 11) {
            return null;
        }
        int start = (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (start == s.length()) {
            return null;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
