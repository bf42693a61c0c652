package p2pnio.cli;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A peer that behaves on the wire exactly as the Go reference node of PROTOCOL.md does, written
 * the plain blocking way: a UDP socket answers {@code Get} with {@code File,1,<tcpPort>} at once
 * when it has the file, and a TCP server reads the request with a single read, writes the
 * ':'-padded 10 + 64 byte header and copies the file 1 KiB at a time, then closes.
 *
 * <p>{@code bytesPerSecond} slows the copy loop so tests can watch a download in progress;
 * {@link #sendName} makes it a hostile server that puts any text in the header's NAME.
 */
final class ReferencePeer implements AutoCloseable {

    private final Path folder;
    private final long bytesPerSecond;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final List<String> datagrams = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile String headerName;

    ReferencePeer(Path folder, long bytesPerSecond) throws IOException {
        this.folder = folder;
        this.bytesPerSecond = bytesPerSecond;
        InetAddress lo = InetAddress.getLoopbackAddress();
        udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        tcp = new ServerSocket(0, 50, lo);
        daemon(this::control, "reference-udp").start();
        daemon(this::accept, "reference-tcp").start();
    }

    /** Its control address, {@code 127.0.0.1:port}. */
    String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** From now on, puts {@code name} in the header's NAME field whatever file it sends (null: the file's name). */
    void sendName(String name) {
        headerName = name;
    }

    /** Every datagram received, as text. */
    List<String> datagrams() {
        return datagrams;
    }

    /** Every TCP request line received. */
    List<String> requests() {
        return requests;
    }

    private void control() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (IOException e) {
                return;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip();
            datagrams.add(text);
            String[] fields = text.lines().findFirst().orElse("").split(",");
            if (fields[0].equals("Get") && fields.length >= 2 && Files.isRegularFile(folder.resolve(fields[1]))) {
                send("File,1," + tcp.getLocalPort() + "\n", p.getSocketAddress());
            }
        }
    }

    /** Sends one datagram from its control socket. */
    void send(String text, java.net.SocketAddress to) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try {
            udp.send(new DatagramPacket(b, b.length, to));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                daemon(() -> serve(s), "reference-upload").start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] req = new byte[2048];
            int n = in.read(req);
            if (n <= 0) {
                return;
            }
            String line = new String(req, 0, n, StandardCharsets.UTF_8).strip();
            requests.add(line);
            String name = Path.of(line.substring(line.indexOf(',') + 1)).getFileName().toString();
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                return;
            }
            out.write(header(Files.size(file), headerName != null ? headerName : name));
            try (InputStream data = Files.newInputStream(file)) {
                byte[] chunk = new byte[1024];
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
        long due = started + sent * 1_000_000_000L / bytesPerSecond;
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The 74-byte header: SIZE in 10 bytes and NAME in 64, each right-padded with ':'. */
    static byte[] header(long size, String name) {
        byte[] h = new byte[74];
        java.util.Arrays.fill(h, (byte) ':');
        byte[] s = Long.toString(size).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, h, 0, s.length);
        byte[] nm = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nm, 0, h, 10, Math.min(64, nm.length));
        return h;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (SocketException e) {
            // already closed
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
