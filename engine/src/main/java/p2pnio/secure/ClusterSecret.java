package p2pnio.secure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret a secure cluster's members share: 32 random bytes in a file only its owner may read.
 * Whoever holds it is a member. The file holds the bytes as 64 hex digits and a newline ({@code p2p
 * keygen} writes it so; 32 raw bytes are read too, e.g. from {@code head -c 32 /dev/urandom}).
 *
 * <p>The secret itself is never used as a key: each use has its own key derived from it, {@code
 * HMAC-SHA256(secret, label)} (HKDF-Expand with one block, RFC 5869), so that a key for one purpose
 * tells nothing about another: {@code "p2pnio/1 datagram tag"} keys the datagram tags, {@code
 * "p2pnio/1 key id"} names the secret on the wire without revealing it ({@link #keyId()}).
 */
public final class ClusterSecret {

    /** Bytes of a secret. */
    public static final int BYTES = 32;
    private static final int MAX_FILE = 256;

    private final byte[] secret;

    private ClusterSecret(byte[] secret) {
        this.secret = secret;
    }

    /**
     * Reads the secret of {@code file}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it: missing, not a
     *                                  regular file, readable by others, unreadable, or not 32 bytes
     */
    public static ClusterSecret read(Path file) {
        String why = OwnerOnly.whyNot(file);
        if (why != null) {
            throw new IllegalArgumentException(file + " " + why);
        }
        byte[] raw;
        try (InputStream in = Files.newInputStream(file)) {
            raw = in.readNBytes(MAX_FILE + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
        byte[] secret = parse(raw);
        Arrays.fill(raw, (byte) 0);
        if (secret == null) {
            throw new IllegalArgumentException(file + " holds no cluster secret: it must hold 64 hex digits (32 bytes)"
                    + " and nothing else" + (raw.length > MAX_FILE ? " (it is much longer)" : " (it holds " + raw.length
                    + " bytes)") + "; 'p2p keygen FILE' makes one");
        }
        return new ClusterSecret(secret);
    }

    /** The 32 bytes of a secret file's content, or null if it is no secret. */
    private static byte[] parse(byte[] raw) {
        if (raw.length == BYTES) {
            return raw.clone();
        }
        String text = new String(raw, StandardCharsets.US_ASCII).strip();
        if (text.length() != 2 * BYTES) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            return null; // not hex: said by the caller, naming the file
        }
    }

    /**
     * Writes a new secret (32 bytes from {@link SecureRandom}) to {@code file}, mode 0600, unless it
     * exists and {@code replace} is false. Returns false if it was left alone.
     */
    public static boolean create(Path file, boolean replace) throws IOException {
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        byte[] text = (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            return OwnerOnly.write(file, text, replace);
        } finally {
            Arrays.fill(secret, (byte) 0);
            Arrays.fill(text, (byte) 0);
        }
    }

    /** A secret of these bytes (tests, and embedders that keep the secret elsewhere). */
    public static ClusterSecret of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a cluster secret is " + BYTES + " bytes, got " + bytes.length);
        }
        return new ClusterSecret(bytes.clone());
    }

    /** The key of the datagram tags (HMAC-SHA256). */
    SecretKeySpec datagramKey() {
        return new SecretKeySpec(derive("p2pnio/1 datagram tag"), "HmacSHA256");
    }

    /**
     * Four bytes that name this secret on the wire: a datagram sealed with another secret is told
     * apart from a forged one. They reveal nothing usable about the secret (an HMAC output).
     */
    int keyId() {
        byte[] d = derive("p2pnio/1 key id");
        return ((d[0] & 0xff) << 24) | ((d[1] & 0xff) << 16) | ((d[2] & 0xff) << 8) | (d[3] & 0xff);
    }

    private byte[] derive(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((label + "\u0001").getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "ClusterSecret[key id " + Integer.toHexString(keyId()) + "]";
    }
}
