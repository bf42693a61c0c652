package p2pnio.secure;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS between members, the JDK's own (JSSE): TLS 1.3 only, each side presents its
 * {@link NodeIdentity}'s self-signed certificate, and each accepts exactly the fingerprints it was
 * told to, with no certificate authority and no host name check. For the transfers of a secure
 * cluster:
 * <ul>
 *   <li>a downloader calls {@link #client} with the fingerprint the answering peer announced in its
 *       sealed {@code File} datagram ({@link Members#at} of its sender, recorded before the message
 *       is handled): the server must present that very certificate;</li>
 *   <li>an uploader calls {@link #server}: the client must present a certificate, and its
 *       fingerprint must be one of the members' ({@link Members#isMember}, which this object
 *       reads through the predicate it was made with).</li>
 * </ul>
 *
 * <p>Used by the transfers in secure mode ({@code p2pnio.transfer.Transfers}); tested on its own by
 * {@code TlsTest}.
 *
 * <p>The trust decision is made by {@link Pinned#checkServerTrusted}/{@link Pinned#checkClientTrusted},
 * which JSSE calls from the handshake, possibly inside a delegated task on another thread: the
 * predicates must be safe to call from any thread ({@link Members#isMember} is). A resumed TLS 1.3 session skips them (the certificate was checked when the session
 * was made): after a handshake, {@link #peer(SSLSession)} gives the fingerprint to check again if
 * membership may have changed meanwhile.
 *
 * <p>Thread-safe. The client contexts are kept per expected fingerprint (at most
 * {@value #MAX_CLIENT_CONTEXTS}), so a session is only ever resumed with the server it was pinned to.
 */
public final class Tls {

    /** The one protocol version spoken. */
    public static final String PROTOCOL = "TLSv1.3";
    private static final String ALIAS = "node";
    private static final int MAX_CLIENT_CONTEXTS = 4096;

    private final NodeIdentity identity;
    private final SSLContext serverContext;
    private final Map<Fingerprint, SSLContext> clientContexts = new ConcurrentHashMap<>();

    /**
     * @param identity this node's key and certificate, presented on both sides
     * @param members  whose client certificates an upload accepts (any thread)
     */
    public Tls(NodeIdentity identity, Predicate<Fingerprint> members) {
        this.identity = identity;
        this.serverContext = context(identity, members);
    }

    /**
     * An {@code SSLContext} for TLS 1.3 that presents {@code identity} and trusts a peer exactly
     * when {@code accepts} says yes to the fingerprint of the certificate it presents.
     */
    public static SSLContext context(NodeIdentity identity, Predicate<Fingerprint> accepts) {
        try {
            SSLContext c = SSLContext.getInstance(PROTOCOL);
            c.init(new KeyManager[] {new OwnKey(identity)}, new TrustManager[] {new Pinned(accepts)}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no TLS 1.3", e);
        }
    }

    /**
     * A client engine for a download from {@code server}: TLS 1.3, our certificate offered, and
     * only {@code expected}'s certificate accepted from the server.
     */
    public SSLEngine client(Fingerprint expected, InetSocketAddress server) {
        if (clientContexts.size() >= MAX_CLIENT_CONTEXTS) {
            clientContexts.clear();
        }
        SSLContext c = clientContexts.computeIfAbsent(expected, f -> context(identity, f::equals));
        SSLEngine e = c.createSSLEngine(server.getHostString(), server.getPort());
        e.setUseClientMode(true);
        e.setSSLParameters(parameters(e));
        return e;
    }

    /** A server engine for an upload: TLS 1.3, a client certificate required, only members' accepted. */
    public SSLEngine server() {
        SSLEngine e = serverContext.createSSLEngine();
        e.setUseClientMode(false);
        SSLParameters p = parameters(e);
        p.setNeedClientAuth(true);
        e.setSSLParameters(p);
        return e;
    }

    private static SSLParameters parameters(SSLEngine e) {
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setEndpointIdentificationAlgorithm(null); // no host names: the fingerprint is the identity
        return p;
    }

    /**
     * The fingerprint of the certificate the peer presented in {@code session}.
     *
     * @throws SSLPeerUnverifiedException if it presented none
     */
    public static Fingerprint peer(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        return Fingerprint.of((X509Certificate) chain[0]);
    }

    /** This node's identity. */
    public NodeIdentity identity() {
        return identity;
    }

    /** Presents the node's one key and certificate, whatever the peer asks for, if its algorithm fits. */
    private static final class OwnKey extends X509ExtendedKeyManager {
        private final NodeIdentity id;
        private final String algorithm;

        OwnKey(NodeIdentity id) {
            this.id = id;
            this.algorithm = id.certificate().getPublicKey().getAlgorithm();
        }

        private String alias(String... keyTypes) {
            for (String t : keyTypes) {
                if (algorithm.equals(t)) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return alias(keyType);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return alias(keyType);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return alias(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? new X509Certificate[] {id.certificate()} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? id.privateKey() : null;
        }
    }

    /**
     * Trusts a peer's certificate exactly when its fingerprint is accepted: no chain building, no
     * authority, no dates, no names. The handshake itself proves the peer holds the certificate's
     * private key (TLS 1.3's CertificateVerify), so a certificate copied from a member's
     * handshake is worth nothing to an impostor.
     */
    static final class Pinned extends X509ExtendedTrustManager {
        private final Predicate<Fingerprint> accepts;

        Pinned(Predicate<Fingerprint> accepts) {
            this.accepts = accepts;
        }

        private void check(X509Certificate[] chain, String who) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the " + who + " presented no certificate");
            }
            Fingerprint f = Fingerprint.of(chain[0]);
            if (!accepts.test(f)) {
                throw new CertificateException("the " + who + "'s certificate (fingerprint " + f
                        + ") is not one this node was told to accept");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, "server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, "client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, "server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
