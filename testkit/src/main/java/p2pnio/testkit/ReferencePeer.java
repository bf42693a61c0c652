package p2pnio.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer that behaves on the wire exactly as PROTOCOL.md says the Go reference node does, written
 * the plain blocking way, independently of the engine's code (it shares no class with it, so it
 * is a second opinion on the protocol, not a copy of ours):
 * <ul>
 *   <li>UDP: a datagram is read into 2048 bytes, trimmed, cut to its first line and split on every
 *   {@code ,}. {@code DISCOVER} entries are merged into its cluster list (empty entries and its own
 *   address skipped, order kept, no duplicates); the sender itself is <em>not</em> learned, as the
 *   reference does not. {@code Get,<name>} is answered at once with {@code File,1,<tcpPort>} when
 *   the base name is a regular file in its folder; anything else is ignored.</li>
 *   <li>Discovery: every {@code period} it sends {@code DISCOVER,<its whole cluster list>} to every
 *   peer in that list; a name that does not resolve is skipped for that round and kept.</li>
 *   <li>TCP: it reads the request with a single read of up to 2048 bytes, writes the ':'-padded
 *   10 + 64 byte header and copies the file 1 KiB at a time (at {@code bytesPerSecond} if set),
 *   then closes; one thread per connection, as the reference runs a goroutine per connection.</li>
 *   <li>As a client ({@link #fetchFrom}) it sends {@code Get} in one write, reads the 74-byte
 *   header and saves the body under the header's NAME.</li>
 * </ul>
 * It keeps everything it received, exactly as it arrived, so tests can check what a reference node
 * would have seen: the datagrams and request lines ({@link #received()}, {@link #datagrams()},
 * {@link #requests()}), and the byte-for-byte {@link #transcript()} the golden transcript test
 * compares.
 */
public final class ReferencePeer implements AutoCloseable {

    /** A datagram as the peer received it: its source {@code ip:port} and its text, trimmed. */
    public record Datagram(String from, String text) { }

    /**
     * One thing it received, as it arrived: {@code where} is {@code udp} (its control socket),
     * {@code udp (fetch)} (the socket {@link #fetchFrom} asks from), {@code tcp server} (a request
     * its server read) or {@code tcp client} (a header or a body its client read).
     */
    private record Heard(String where, String from, String text) { }

    private static final String UDP = "udp";
    private static final String UDP_FETCH = "udp (fetch)";
    private static final String TCP_SERVER = "tcp server";
    private static final String TCP_CLIENT = "tcp client";

    /** The reference node's read size for a datagram and for a request. */
    private static final int READ_BYTES = 2048;
    private static final int CHUNK = 1024;

    private final Path folder;
    private final long bytesPerSecond;
    private final Duration period;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final List<String> cluster = new CopyOnWriteArrayList<>();
    private final List<Heard> heard = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile String headerName;

    /** A peer sharing {@code folder} with an empty cluster list and the reference's 20 s discovery period. */
    public ReferencePeer(Path folder) throws IOException {
        this(folder, 0, Duration.ofSeconds(20), List.of());
    }

    /** As {@link #ReferencePeer(Path)}, sending bodies at {@code bytesPerSecond} (0: as fast as it can). */
    public ReferencePeer(Path folder, long bytesPerSecond) throws IOException {
        this(folder, bytesPerSecond, Duration.ofSeconds(20), List.of());
    }

    /**
     * @param folder         what it shares, and where {@link #fetchFrom} saves
     * @param bytesPerSecond pace of its uploads, 0 for none
     * @param period         time between its discovery rounds
     * @param initialCluster its configured peers, {@code host:port} each
     */
    public ReferencePeer(Path folder, long bytesPerSecond, Duration period, List<String> initialCluster)
            throws IOException {
        this.folder = folder;
        this.bytesPerSecond = bytesPerSecond;
        this.period = period;
        InetAddress lo = InetAddress.getLoopbackAddress();
        udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        tcp = new ServerSocket(0, 50, lo);
        initialCluster.forEach(this::merge);
        daemon(this::control, "reference-udp").start();
        daemon(this::accept, "reference-tcp").start();
        daemon(this::discoveryRounds, "reference-discovery").start();
    }

    /** Its control address, {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /**
     * From now on, puts {@code name} in the header's NAME field whatever file it sends (null: the
     * file's own name): a hostile server for tests of what a peer's text may do to a terminal.
     */
    public void sendName(String name) {
        headerName = name;
    }

    /** Its cluster list as the reference node would hold it: in the order learned, never itself. */
    public List<String> cluster() {
        return List.copyOf(cluster);
    }

    /** Every datagram received on its control socket, as text, trimmed. */
    public List<String> datagrams() {
        return received().stream().map(Datagram::text).toList();
    }

    /** Every datagram received on its control socket, with its source. */
    public List<Datagram> received() {
        return heard.stream().filter(h -> h.where().equals(UDP))
                .map(h -> new Datagram(h.from(), h.text().strip())).toList();
    }

    /** Every TCP request line its server received, trimmed. */
    public List<String> requests() {
        return heard.stream().filter(h -> h.where().equals(TCP_SERVER)).map(h -> h.text().strip()).toList();
    }

    /**
     * Everything it has received so far, in order and untrimmed, as {@code "<where> <- <text>"}:
     * each datagram on its control socket ({@code udp}) and on the socket {@link #fetchFrom} asks
     * from ({@code udp (fetch)}), each request its server read ({@code tcp server}), and the header
     * and then the body its client read ({@code tcp client}).
     */
    public List<String> transcript() {
        return heard.stream().map(h -> h.where() + " <- " + h.text()).toList();
    }

    private void hear(String where, InetSocketAddress from, byte[] bytes, int length) {
        heard.add(new Heard(where, from.getAddress().getHostAddress() + ":" + from.getPort(),
                new String(bytes, 0, length, StandardCharsets.UTF_8)));
    }

    /** Sends one datagram from its control socket, as if the reference node had sent it. */
    public void send(String text, SocketAddress to) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            udp.send(new DatagramPacket(b, b.length, to));
        } catch (IOException e) {
            throw new IllegalStateException("send to " + to + " failed", e);
        }
    }

    /** The first line of a trimmed message, split on every {@code ,}. */
    private static String[] fields(String text) {
        return text.strip().lines().findFirst().orElse("").split(",", -1);
    }

    private void control() {
        byte[] buf = new byte[READ_BYTES];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return; // closed
            }
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            hear(UDP, from, p.getData(), p.getLength());
            String[] f = fields(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            if (f[0].equals("DISCOVER")) {
                Arrays.stream(f).skip(1).forEach(this::merge);
            } else if (f[0].equals("Get") && f.length >= 2 && has(f[1])) {
                send("File,1," + tcp.getLocalPort() + "\n", from);
            }
        }
    }

    /** cluster.Merge of the reference: empty entries and our own address skipped, no duplicates. */
    private synchronized void merge(String entry) {
        if (!entry.isEmpty() && !entry.equals(address()) && !cluster.contains(entry)) {
            cluster.add(entry);
        }
    }

    private void discoveryRounds() {
        while (!closed) {
            List<String> list = cluster();
            String discover = "DISCOVER," + String.join(",", list) + "\n";
            for (String peer : list) {
                InetSocketAddress to = resolve(peer);
                if (to != null && !to.isUnresolved() && !closed) {
                    try {
                        send(discover, to);
                    } catch (IllegalStateException e) {
                        if (!closed) {
                            throw e;
                        }
                    }
                }
            }
            try {
                Thread.sleep(period.toMillis()); // the reference sleeps between rounds; this is its own thread
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static InetSocketAddress resolve(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null; // not host:port: skipped this round, kept in the list
        }
    }

    /** Whether its folder has a regular file under the base name of {@code requested} (Go's filepath.Base). */
    private boolean has(String requested) {
        return shared(requested) != null && Files.isRegularFile(shared(requested));
    }

    /** The file in its folder that a requested name means: its base name only, or null if it names none. */
    private Path shared(String requested) {
        try {
            Path base = Path.of(requested).getFileName();
            return base == null ? null : folder.resolve(base.toString());
        } catch (InvalidPathException e) {
            return null; // a NUL: no such file
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                daemon(() -> serve(s), "reference-upload").start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setSoTimeout(30_000); // a client that never sends its request does not keep this thread forever
            byte[] req = new byte[READ_BYTES];
            int n = in.read(req); // the reference reads its request with one read
            if (n <= 0) {
                return;
            }
            hear(TCP_SERVER, (InetSocketAddress) s.getRemoteSocketAddress(), req, n);
            String[] f = fields(new String(req, 0, n, StandardCharsets.UTF_8));
            if (!f[0].equals("Get") || f.length < 2 || !has(f[1])) {
                return; // closes without writing anything
            }
            Path file = shared(f[1]);
            out.write(header(Files.size(file), headerName != null ? headerName : file.getFileName().toString()));
            try (InputStream data = Files.newInputStream(file)) {
                byte[] chunk = new byte[CHUNK];
                long started = System.nanoTime();
                long sent = 0;
                for (int r = data.read(chunk); r > 0; r = data.read(chunk)) {
                    out.write(chunk, 0, r);
                    sent += r;
                    pace(sent, started);
                }
            }
        } catch (IOException e) {
            // the client went away: the reference node just closes
        }
    }

    private void pace(long sent, long started) {
        if (bytesPerSecond <= 0) {
            return;
        }
        long ahead = started + sent * 1_000_000_000L / bytesPerSecond - System.nanoTime();
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000)); // a slow link, on its own thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The 74-byte header: SIZE in 10 bytes and NAME in 64, each cut to its width and right-padded with ':'. */
    public static byte[] header(long size, String name) {
        byte[] h = new byte[74];
        Arrays.fill(h, (byte) ':');
        byte[] s = Long.toString(size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, h, 0, Math.min(10, s.length));
        byte[] nm = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nm, 0, h, 10, Math.min(64, nm.length));
        return h;
    }

    /**
     * Downloads {@code name} the way the reference client does: one {@code Get} datagram to
     * {@code node}, then TCP to the answer's port; saves under the header's NAME. Returns the path.
     */
    public Path fetchFrom(String node, String name, Duration timeout) throws IOException {
        int millis = (int) timeout.toMillis();
        try (DatagramSocket ask = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ask.setSoTimeout(millis);
            byte[] get = ("Get," + name + "\n").getBytes(StandardCharsets.UTF_8);
            InetSocketAddress to = resolve(node);
            if (to == null) {
                throw new IllegalArgumentException("not host:port: " + node);
            }
            ask.send(new DatagramPacket(get, get.length, to));
            byte[] buf = new byte[READ_BYTES];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            ask.receive(p);
            hear(UDP_FETCH, (InetSocketAddress) p.getSocketAddress(), buf, p.getLength());
            String[] f = fields(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
            if (!f[0].equals("File") || f.length < 3) {
                throw new IOException("not a File answer: " + String.join(",", f));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(p.getAddress(), Integer.parseInt(f[2])), millis);
                s.setSoTimeout(millis);
                s.getOutputStream().write(get);
                InputStream in = s.getInputStream();
                InetSocketAddress server = (InetSocketAddress) s.getRemoteSocketAddress();
                byte[] header = in.readNBytes(74);
                hear(TCP_CLIENT, server, header, header.length);
                long size = Long.parseLong(unpad(new String(header, 0, 10, StandardCharsets.UTF_8)));
                Path target = folder.resolve(unpad(new String(header, 10, 64, StandardCharsets.UTF_8)));
                byte[] body = in.readNBytes((int) size);
                hear(TCP_CLIENT, server, body, body.length);
                Files.write(target, body);
                return target;
            }
        }
    }

    private static String unpad(String field) {
        return field.replaceAll(":+$", "");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }

    @Override
    public String toString() {
        return "reference-style peer " + address() + " knowing " + new ArrayList<>(cluster);
    }
}
