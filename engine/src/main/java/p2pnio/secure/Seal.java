package p2pnio.secure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import p2pnio.wire.DropReason;

/**
 * The envelope of every datagram in secure mode: who sealed it, for whom, when, a nonce, the plain
 * control message, and an HMAC-SHA256 tag over all of it, keyed by the cluster's secret. A node
 * seals every datagram it sends ({@link #seal}, in {@code ControlChannel.send}, the one place a
 * datagram leaves) and opens every datagram it receives ({@link #open}, in {@code Inbound}, before
 * anything is decoded): what fails to open is dropped and counted, and never reaches the cluster,
 * the answers or the downloads.
 *
 * <pre>
 * offset  bytes  field
 *      0      4  magic      "P2PS" (50 32 50 53)
 *      4      1  format     1
 *      5      4  key id     names the secret: the first 4 bytes of HMAC-SHA256(secret, "p2pnio/1 key id" 01)
 *      9      8  time       the sender's wall clock, ms since 1970-01-01 UTC, big-endian
 *     17      8  nonce      big-endian; random at the sender's start, then +1 per datagram
 *     25     32  sender     SHA-256 fingerprint of the sender's certificate
 *     57     16  to         the address it was sent to, IPv6 (IPv4 as ::ffff:a.b.c.d)
 *     73      2  port       the port it was sent to, big-endian
 *     75      n  message    the control message, byte for byte as in plain mode
 *   75+n     32  tag        HMAC-SHA256(datagram key, bytes 0 .. 75+n), datagram key =
 *                           HMAC-SHA256(secret, "p2pnio/1 datagram tag" 01)
 * </pre>
 *
 * <p>Opening checks, in order, each failure dropped under its own {@link DropReason}: the magic
 * ({@code AUTH_MISSING}: a plain datagram), the length and format ({@code AUTH_MALFORMED}), the key
 * id ({@code AUTH_OTHER_SECRET}), the tag in constant time ({@code AUTH_BAD_TAG}: forged or
 * altered), then, trusting the fields now, the destination ({@code AUTH_WRONG_DESTINATION}: a copy
 * of a datagram meant for another node), the time within {@code ±skew} of ours
 * ({@code AUTH_CLOCK_SKEW}) and the nonce ({@link ReplayWindow}: {@code AUTH_REPLAYED}, or
 * {@code AUTH_REPLAY_FORGOTTEN} when a burst made the memory forget early).
 *
 * <p>Loop thread only: it reuses its buffers and its {@code Mac}.
 */
public final class Seal {

    /** The first four bytes of every sealed datagram: "P2PS". */
    public static final byte[] MAGIC = {0x50, 0x32, 0x50, 0x53};
    /** The format this class writes and reads. */
    public static final byte FORMAT = 1;
    static final int KEY_ID = 5;
    static final int TIME = 9;
    static final int NONCE = 17;
    static final int SENDER = 25;
    static final int TO = 57;
    static final int PORT = 73;
    /** Bytes before the message. */
    public static final int HEADER = 75;
    /** Bytes of the tag, after the message. */
    public static final int TAG = 32;
    /** What sealing adds to a message. */
    public static final int OVERHEAD = HEADER + TAG;
    /** Most nonces remembered at once ({@link ReplayWindow}). */
    public static final int REPLAY_MEMORY = 65_536;

    private final Mac mac;
    private final int keyId;
    private final Fingerprint self;
    private final Predicate<InetSocketAddress> isSelf;
    private final LongSupplier wallClock;
    private final ReplayWindow window;
    private final long skewAllowed;
    private long nonce = new SecureRandom().nextLong();
    private final byte[] header = new byte[HEADER];
    private ByteBuffer out = ByteBuffer.allocate(2048 + OVERHEAD);
    private final byte[] tag = new byte[TAG];
    private final byte[] received = new byte[TAG];
    private final byte[] address = new byte[16];
    private final byte[] senderBytes = new byte[Fingerprint.BYTES];
    private Fingerprint sender;
    private long skew;
    private int otherKeyId;

    /**
     * @param secret    the cluster's secret
     * @param self      this node's fingerprint, sent in every datagram
     * @param isSelf    true for an address this node can be reached at (the destination check)
     * @param wallClock this node's wall clock, ms since 1970 ({@code System::currentTimeMillis})
     * @param skew      how far a datagram's time may be from ours, either way
     */
    public Seal(ClusterSecret secret, Fingerprint self, Predicate<InetSocketAddress> isSelf, LongSupplier wallClock,
                Duration skew) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(secret.datagramKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
        this.keyId = secret.keyId();
        this.self = self;
        this.isSelf = isSelf;
        this.wallClock = wallClock;
        this.skewAllowed = skew.toMillis();
        this.window = new ReplayWindow(skewAllowed, REPLAY_MEMORY);
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[4] = FORMAT;
        putInt(header, KEY_ID, keyId);
        self.copyTo(header, SENDER);
    }

    /** True if the datagram between {@code in}'s position and limit starts with the magic: it was sealed. */
    public static boolean looksSealed(ByteBuffer in) {
        if (in.remaining() < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.get(in.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The datagram that carries {@code message} to {@code to}: a buffer of this object's, valid
     * until the next call, from its position to its limit.
     */
    public ByteBuffer seal(InetSocketAddress to, byte[] message) {
        InetAddress a = to.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("cannot seal for an unresolved address: " + to);
        }
        putLong(header, TIME, now());
        putLong(header, NONCE, nonce++);
        writeAddress(a, header, TO);
        header[PORT] = (byte) (to.getPort() >>> 8);
        header[PORT + 1] = (byte) to.getPort();
        if (out.capacity() < message.length + OVERHEAD) {
            out = ByteBuffer.allocate(message.length + OVERHEAD);
        }
        out.clear();
        out.put(header).put(message);
        mac.update(out.array(), 0, out.position());
        try {
            mac.doFinal(out.array(), out.position());
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the buffer has room for the tag", e);
        }
        out.position(out.position() + TAG);
        return out.flip();
    }

    /**
     * Opens the datagram between {@code in}'s position and limit. On success returns null and
     * leaves {@code in} holding exactly the message, {@link #sender()} telling who sealed it; else
     * returns why it is dropped (and {@code in} is left as it was).
     */
    public DropReason open(ByteBuffer in) {
        int start = in.position();
        int end = in.limit();
        if (!looksSealed(in)) {
            return DropReason.AUTH_MISSING;
        }
        if (end - start < OVERHEAD || in.get(start + 4) != FORMAT) {
            return DropReason.AUTH_MALFORMED;
        }
        int id = in.getInt(start + KEY_ID);
        if (id != keyId) {
            otherKeyId = id;
            return DropReason.AUTH_OTHER_SECRET;
        }
        ByteBuffer signed = in.duplicate();
        signed.limit(end - TAG);
        mac.update(signed);
        try {
            mac.doFinal(tag, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the tag array has room for the tag", e);
        }
        in.get(end - TAG, received);
        if (!MessageDigest.isEqual(tag, received)) {
            return DropReason.AUTH_BAD_TAG;
        }
        // From here on the fields are the sender's own.
        in.get(start + TO, address);
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByAddress(address),
                    ((in.get(start + PORT) & 0xff) << 8) | (in.get(start + PORT + 1) & 0xff));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
        if (!isSelf.test(to)) {
            return DropReason.AUTH_WRONG_DESTINATION;
        }
        long time = in.getLong(start + TIME);
        ReplayWindow.Verdict v = window.check(time, in.getLong(start + NONCE), wallClock.getAsLong());
        skew = time - window.now();
        switch (v) {
            case TOO_OLD, TOO_NEW -> {
                return DropReason.AUTH_CLOCK_SKEW;
            }
            case REPLAYED -> {
                return DropReason.AUTH_REPLAYED;
            }
            case FORGOTTEN -> {
                return DropReason.AUTH_REPLAY_FORGOTTEN;
            }
            default -> {
                // FRESH: accepted below
            }
        }
        if (sender == null || !sameSender(in, start + SENDER)) {
            in.get(start + SENDER, senderBytes);
            sender = Fingerprint.of(senderBytes, 0); // one object per change of sender, not per datagram
        }
        in.position(start + HEADER).limit(end - TAG);
        return null;
    }

    /** The fingerprint in the datagram last opened. */
    public Fingerprint sender() {
        return sender;
    }

    /** For the datagram last refused for its time: its time minus ours, ms (positive: its clock is ahead). */
    public long skewMillis() {
        return skew;
    }

    /** For the datagram last refused for its key id: that key id. */
    public int otherKeyId() {
        return otherKeyId;
    }

    /** This node's key id: the first 4 bytes of HMAC-SHA256(secret, "p2pnio/1 key id" 01). */
    public int keyId() {
        return keyId;
    }

    /** This node's fingerprint, as every datagram it seals carries it. */
    public Fingerprint self() {
        return self;
    }

    /** How far a datagram's time may be from ours, ms. */
    public long skewAllowedMillis() {
        return skewAllowed;
    }

    /** Our wall clock; never earlier than a time already used (the window's own rule). */
    private long now() {
        return Math.max(window.now(), wallClock.getAsLong());
    }

    private boolean sameSender(ByteBuffer in, int at) {
        for (int i = 0; i < Fingerprint.BYTES; i++) {
            if (senderBytes[i] != in.get(at + i)) {
                return false;
            }
        }
        return true;
    }

    private static void writeAddress(InetAddress a, byte[] to, int at) {
        byte[] raw = a.getAddress();
        if (a instanceof Inet4Address) {
            java.util.Arrays.fill(to, at, at + 10, (byte) 0);
            to[at + 10] = (byte) 0xff;
            to[at + 11] = (byte) 0xff;
            System.arraycopy(raw, 0, to, at + 12, 4);
        } else {
            System.arraycopy(raw, 0, to, at, 16);
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
