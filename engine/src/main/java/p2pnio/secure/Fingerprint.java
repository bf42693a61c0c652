package p2pnio.secure;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A node's identity: the SHA-256 digest of its certificate (the certificate's DER bytes), as
 * Syncthing identifies devices. Written as 64 lower-case hex digits; {@code openssl x509
 * -fingerprint -sha256} prints the same digits in upper case with colons, which {@link #parse}
 * also reads. Immutable.
 */
public final class Fingerprint {

    /** Bytes of a fingerprint. */
    public static final int BYTES = 32;

    private final byte[] digest;

    private Fingerprint(byte[] digest) {
        this.digest = digest;
    }

    /** The fingerprint of {@code certificate}. */
    public static Fingerprint of(X509Certificate certificate) {
        try {
            return ofDer(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("a certificate that cannot be encoded has no fingerprint", e);
        }
    }

    /** The fingerprint of a certificate given as its DER bytes. */
    public static Fingerprint ofDer(byte[] der) {
        try {
            return new Fingerprint(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The fingerprint whose 32 bytes are {@code bytes[offset..offset+32)}. */
    public static Fingerprint of(byte[] bytes, int offset) {
        return new Fingerprint(Arrays.copyOfRange(bytes, offset, offset + BYTES));
    }

    /**
     * Reads 64 hex digits, in either case, with or without {@code :} between pairs.
     *
     * @throws IllegalArgumentException if {@code text} is no such fingerprint
     */
    public static Fingerprint parse(String text) {
        String hex = text.strip().replace(":", "");
        if (hex.length() != 2 * BYTES) {
            throw new IllegalArgumentException("a fingerprint is 64 hex digits, got " + hex.length() + " characters");
        }
        return new Fingerprint(HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT)));
    }

    /** Copies the 32 bytes into {@code out} at {@code offset}. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(digest, 0, out, offset, BYTES);
    }

    /** True if this is the fingerprint of {@code certificate}. */
    public boolean matches(X509Certificate certificate) {
        return equals(of(certificate));
    }

    /** The 64 lower-case hex digits. */
    public String hex() {
        return HexFormat.of().formatHex(digest);
    }

    /** The first 16 hex digits: enough to tell members apart in a trace or a list. */
    public String shortHex() {
        return hex().substring(0, 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && MessageDigest.isEqual(digest, f.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    /** {@link #hex()}. */
    @Override
    public String toString() {
        return hex();
    }
}
