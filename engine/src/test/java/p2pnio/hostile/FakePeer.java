package p2pnio.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import p2pnio.secure.ClusterSecret;
import p2pnio.secure.NodeIdentity;
import p2pnio.secure.Seal;
import p2pnio.secure.Tls;

/**
 * A malicious server for downloads: a UDP socket that answers every {@code Get,<name>} with
 * {@code File,1,<port>}, and a TCP server socket at that port that reads the request line and
 * then does whatever the test scripted for that name (a cut header, a short body, silence, ...).
 */
final class FakePeer implements AutoCloseable {

    /** What the server does on a connection, given the requested name and the socket's output. */
    interface Script {
        void serve(String name, Socket socket, OutputStream out) throws IOException;
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ConcurrentHashMap<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every {@code Get} datagram received, answered or not. */
    final List<String> gets = new CopyOnWriteArrayList<>();
    private volatile int announcedPort;
    private volatile String answerName;
    /** Names answered with an extended {@code File}: the size and SHA-256 announced. */
    private final ConcurrentHashMap<String, String> extended = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Secure mode: the member's seal its answers carry (its fingerprint in them), else null. */
    private final Seal seal;

    FakePeer() throws IOException {
        this(null);
    }

    /**
     * A malicious member of a secure cluster when {@code secret} is not null: it holds the
     * cluster's secret, seals its answers with its own identity's fingerprint and serves over TLS
     * with that identity's certificate (the one a downloader pins), so every script runs inside
     * TLS. It reads the sealed {@code Get}s without checking their seals (sealed is not encrypted).
     */
    FakePeer(ClusterSecret secret) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        if (secret == null) {
            seal = null;
            tcp = new ServerSocket(0, 50, lo);
        } else {
            NodeIdentity identity = NodeIdentity.generate();
            seal = new Seal(secret, identity.fingerprint(), to -> false, System::currentTimeMillis, Duration.ofSeconds(30));
            tcp = Tls.context(identity, f -> true).getServerSocketFactory().createServerSocket(0, 50, lo);
        }
        announcedPort = tcp.getLocalPort();
        threads.add(start("fake-peer udp", this::answerGets));
        threads.add(start("fake-peer tcp", this::acceptConnections));
    }

    /** The address to put in a node's cluster list. */
    String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** Scripts what the server does when asked for {@code name}. */
    void on(String name, Script script) {
        scripts.put(name, script);
    }

    /**
     * Makes the answer for {@code name} the extended {@code File}, announcing {@code size} bytes
     * of SHA-256 {@code sha256} (whatever the script then sends).
     */
    void announceExtended(String name, long size, String sha256) {
        extended.put(name, size + "," + sha256);
    }

    /** Makes every extended answer name {@code name} instead of the name asked for. */
    void renameAnswers(String name) {
        answerName = name;
    }

    /** The TCP port it really listens on. */
    int tcpPort() {
        return tcp.getLocalPort();
    }

    /** Makes {@code File} announce another TCP port (for example one that never accepts). */
    void announce(int port) {
        announcedPort = port;
    }

    private void answerGets() {
        byte[] buf = new byte[4096];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                String text = seal == null ? new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip()
                        : p.getLength() < Seal.OVERHEAD ? ""
                        : new String(p.getData(), Seal.HEADER, p.getLength() - Seal.OVERHEAD, StandardCharsets.UTF_8).strip();
                if (text.startsWith("Get,")) {
                    gets.add(text);
                }
                String name = text.startsWith("Get,") ? text.substring(4).split(",", -1)[0] : "";
                if (text.startsWith("Get,") && scripts.containsKey(name)) {
                    String about = extended.get(name);
                    String answer = about == null ? "File,1," + announcedPort + "\n"
                            : "File,1," + announcedPort + ",p2pnio/1,sha256," + about + "," + (answerName != null ? answerName : name) + "\n";
                    byte[] file = answer.getBytes(StandardCharsets.UTF_8);
                    if (seal != null) {
                        file = SecureClusterTest.bytes(seal.seal((InetSocketAddress) p.getSocketAddress(), file));
                    }
                    udp.send(new DatagramPacket(file, file.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void acceptConnections() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                open.add(s);
                start("fake-peer conn", () -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            requests.add(line.toString());
            String name = line.toString().startsWith("Get,") ? line.substring(4) : "";
            Script script = scripts.get(name);
            if (script != null) {
                script.serve(name, s, s.getOutputStream());
            }
        } catch (SocketException e) {
            // the node closed its end: expected in several scripts
        } catch (IOException e) {
            // same
        }
        // a script that returns without closing leaves the socket open (a silent server) until close()
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
