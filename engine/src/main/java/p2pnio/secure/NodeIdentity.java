package p2pnio.secure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's identity for TLS: an EC key pair (P-256) and a self-signed X.509 certificate of its
 * public key, known to others by the certificate's {@link Fingerprint}. No certificate authority:
 * a peer is trusted because its fingerprint was announced in a datagram sealed with the cluster's
 * secret, as Syncthing trusts a device because its ID was exchanged out of band.
 *
 * <p>Kept in one PEM file, owner-only (mode 0600), made on first start: the private key (PKCS#8,
 * {@code -----BEGIN PRIVATE KEY-----}), then the certificate. The key is not encrypted: like
 * Syncthing's {@code key.pem} and an {@code ssh} key without a passphrase, it is protected by the
 * file's permissions, and there is no password to type, to store, or to leak on a command line.
 * {@code openssl x509 -in FILE -noout -fingerprint -sha256} prints the same fingerprint.
 *
 * <p>The certificate is written by {@link Der} and signed with {@code java.security.Signature}:
 * the JDK's own certificate writer ({@code sun.security.x509}) is not exported, and running
 * {@code keytool} would need a JDK (not a runtime) and a password for its keystore. It holds the
 * public key, subject and issuer {@code CN=p2p-nio}, a random serial number, validity from a day
 * before its making to 9999-12-31 (RFC 5280's "no expiry"), and two extensions: key usage
 * {@code digitalSignature} (critical) and extended key usage TLS server and client.
 */
public final class NodeIdentity {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final Fingerprint fingerprint;

    private NodeIdentity(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.fingerprint = Fingerprint.of(certificate);
    }

    /**
     * The identity kept in {@code file}, made there first if the file does not exist (two nodes
     * starting at once with the same file end with the same identity).
     *
     * @throws IOException naming the file: unreadable, readable by others, not an identity, or
     *                     its key does not match its certificate
     */
    public static NodeIdentity loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            NodeIdentity made = generate();
            OwnerOnly.write(file, made.pem(), false); // false: another process made it first; read theirs
        }
        return load(file);
    }

    /** The identity kept in {@code file}. */
    public static NodeIdentity load(Path file) throws IOException {
        String why = OwnerOnly.whyNot(file);
        if (why != null) {
            throw new IOException("identity " + file + " " + why);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] key = null;
        byte[] cert = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY") && key == null) {
                key = der;
            } else if (m.group(1).equals("CERTIFICATE") && cert == null) {
                cert = der;
            }
        }
        if (key == null || cert == null) {
            throw new IOException("identity " + file + " is no node identity: it must hold a PRIVATE KEY and a"
                    + " CERTIFICATE in PEM (delete it and the node makes a new one, with a new fingerprint)");
        }
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert));
            PrivateKey k = KeyFactory.getInstance(c.getPublicKey().getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(key));
            NodeIdentity id = new NodeIdentity(k, c);
            if (!id.keyMatchesCertificate()) {
                throw new IOException("identity " + file + ": its private key does not belong to its certificate");
            }
            return id;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("identity " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A new identity, in memory only: a new key pair and its self-signed certificate. */
    public static NodeIdentity generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            return new NodeIdentity(pair.getPrivate(), selfSigned(pair, ZonedDateTime.now()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("every Java platform can make and sign with a P-256 key", e);
        }
    }

    /** The self-signed certificate of {@code pair}'s public key, valid from a day before {@code now}. */
    static X509Certificate selfSigned(KeyPair pair, ZonedDateTime now) throws GeneralSecurityException, IOException {
        byte[] algorithm = Der.sequence(Der.oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8("p2p-nio")))); // CN=p2p-nio
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        byte[] extensions = Der.sequence(
                Der.sequence(Der.oid("2.5.29.15"), Der.bool(true), // key usage, critical
                        Der.octetString(Der.namedBits(0))),       // digitalSignature
                Der.sequence(Der.oid("2.5.29.37"),                 // extended key usage
                        Der.octetString(Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2")))));
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)), // version 3
                Der.integer(new BigInteger(1, serial)),
                algorithm,
                name,
                Der.sequence(Der.time(now.minusDays(1)), Der.time(ZonedDateTime.parse("9999-12-31T23:59:59Z"))),
                name,
                pair.getPublic().getEncoded(), // SubjectPublicKeyInfo, as the JDK encodes it
                Der.explicit(3, extensions));
        Signature s = Signature.getInstance(SIGNATURE);
        s.initSign(pair.getPrivate());
        s.update(tbs);
        byte[] der = Der.sequence(tbs, algorithm, Der.bitString(s.sign()));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** True if the private key signs what the certificate's public key verifies. */
    private boolean keyMatchesCertificate() throws GeneralSecurityException {
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature s = Signature.getInstance(SIGNATURE);
        s.initSign(privateKey);
        s.update(probe);
        byte[] signature = s.sign();
        Signature v = Signature.getInstance(SIGNATURE);
        v.initVerify(certificate.getPublicKey());
        v.update(probe);
        return v.verify(signature);
    }

    /** The file's content: the key, then the certificate, in PEM. */
    private byte[] pem() throws IOException {
        try {
            return (pem("PRIVATE KEY", privateKey.getEncoded()) + pem("CERTIFICATE", certificate.getEncoded()))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException("the new certificate cannot be encoded", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The private key (for the TLS key manager only). */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** The self-signed certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of the certificate: how peers know this node. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + fingerprint + "]";
    }
}
