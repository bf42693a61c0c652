package p2pnio;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A peer that behaves on the wire exactly as PROTOCOL.md says the Go reference node does, written
 * with plain blocking sockets: it answers {@code Get} at once with {@code File,1,<port>}, reads a
 * transfer request with a single read of up to 2048 bytes, writes the ':'-padded header and then
 * the body in 1 KiB pieces, and closes. As a client it sends {@code Get} in one write, reads the
 * 74-byte header and saves the body under the header's NAME.
 */
public final class ReferencePeer implements AutoCloseable {

    private final Path folder;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread udpThread;
    private final Thread tcpThread;
    private volatile boolean closed;
    private final List<String> received = new ArrayList<>();
    /** Its cluster list when it runs discovery (see {@link #discover}); guarded by {@code this}. */
    private final List<String> cluster = new ArrayList<>();
    private Thread discoveryThread;

    public ReferencePeer(Path folder) throws IOException {
        this.folder = folder;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        this.tcp = new ServerSocket(0, 50, lo);
        this.udpThread = new Thread(this::serveUdp, "reference-udp");
        this.tcpThread = new Thread(this::serveTcp, "reference-tcp");
        udpThread.setDaemon(true);
        tcpThread.setDaemon(true);
        udpThread.start();
        tcpThread.start();
    }

    /** Its control address, {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /**
     * Runs discovery as the reference node does: starts from {@code seeds}, merges the entries of
     * every {@code DISCOVER} it receives (never its own address, never the sender as such), and
     * every {@code period} sends {@code DISCOVER,<its whole list>} to every peer in the list.
     */
    public void discover(List<String> seeds, java.time.Duration period) {
        synchronized (this) {
            for (String s : seeds) {
                if (!cluster.contains(s)) {
                    cluster.add(s);
                }
            }
        }
        discoveryThread = new Thread(() -> {
            while (!closed) {
                List<String> list = cluster();
                String text = "DISCOVER," + String.join(",", list) + "\n";
                for (String peer : list) {
                    try {
                        sendControl(peer, text);
                    } catch (IOException | RuntimeException e) {
                        // the reference logs and goes on with the next peer
                    }
                }
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "reference-discovery");
        discoveryThread.setDaemon(true);
        discoveryThread.start();
    }

    private synchronized void merge(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty() && !parts[i].equals(address()) && !cluster.contains(parts[i])) {
                cluster.add(parts[i]);
            }
        }
    }

    /** Its cluster list (empty unless it runs {@link #discover}). */
    public synchronized List<String> cluster() {
        return new ArrayList<>(cluster);
    }

    /** Its TCP server's port. */
    public int tcpPort() {
        return tcp.getLocalPort();
    }

    private void serveUdp() {
        byte[] buf = new byte[2048];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                record("udp", p.getData(), p.getLength());
                String msg = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).strip();
                String[] parts = msg.split("\n")[0].split(",", -1);
                if (parts[0].equals("DISCOVER")) {
                    merge(parts);
                }
                if (parts[0].equals("Get") && parts.length >= 2
                        && Files.isRegularFile(folder.resolve(Path.of(parts[1]).getFileName().toString()))) {
                    byte[] answer = ("File,1," + tcp.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8);
                    udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try (Socket s = tcp.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[2048];
                int n = in.read(buf); // the reference reads its request with one read
                if (n <= 0) {
                    continue;
                }
                record("tcp server", buf, n);
                String line = new String(buf, 0, n, StandardCharsets.UTF_8).strip().split("\n")[0];
                String[] parts = line.split(",", -1);
                if (!parts[0].equals("Get") || parts.length < 2) {
                    continue;
                }
                Path file = folder.resolve(Path.of(parts[1]).getFileName().toString());
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                OutputStream out = s.getOutputStream();
                out.write(pad(Long.toString(Files.size(file)), 10));
                out.write(pad(file.getFileName().toString(), 64));
                try (InputStream f = Files.newInputStream(file)) {
                    byte[] chunk = new byte[1024];
                    int r;
                    while ((r = f.read(chunk)) > 0) {
                        out.write(chunk, 0, r);
                    }
                }
                out.flush();
            } catch (SocketException e) {
                if (closed) {
                    return;
                }
            } catch (IOException e) {
                // one broken connection; serve the next
            }
        }
    }

    private static byte[] pad(String s, int width) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[width];
        Arrays.fill(out, (byte) ':');
        System.arraycopy(b, 0, out, 0, Math.min(width, b.length));
        return out;
    }

    /**
     * Downloads {@code name} the way the reference client does: one {@code Get} datagram to
     * {@code node}, then TCP to the answer's port; saves under the header's NAME. Returns the path.
     */
    public Path fetchFrom(String node, String name, int timeoutMillis) throws IOException {
        try (DatagramSocket ask = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ask.setSoTimeout(timeoutMillis);
            byte[] get = ("Get," + name + "\n").getBytes(StandardCharsets.UTF_8);
            String host = node.substring(0, node.lastIndexOf(':'));
            int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
            ask.send(new DatagramPacket(get, get.length, new InetSocketAddress(host, port)));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            ask.receive(p);
            record("udp (fetch)", buf, p.getLength());
            String[] parts = new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).strip().split(",");
            int tcpPort = Integer.parseInt(parts[2]);
            try (Socket s = new Socket(p.getAddress(), tcpPort)) {
                s.setSoTimeout(timeoutMillis);
                s.getOutputStream().write(get);
                InputStream in = s.getInputStream();
                byte[] header = in.readNBytes(74);
                record("tcp client", header, header.length);
                long size = Long.parseLong(new String(header, 0, 10, StandardCharsets.UTF_8).replaceAll(":+$", ""));
                String saved = new String(header, 10, 64, StandardCharsets.UTF_8).replaceAll(":+$", "");
                Path target = folder.resolve(saved);
                byte[] body = in.readNBytes((int) size);
                record("tcp client", body, body.length);
                Files.write(target, body);
                return target;
            }
        }
    }

    /**
     * Sends {@code text} from this peer's control socket to {@code node} ({@code host:port}), as the
     * reference node sends its own {@code DISCOVER}.
     */
    public void sendControl(String node, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String host = node.substring(0, node.lastIndexOf(':'));
        int port = Integer.parseInt(node.substring(node.lastIndexOf(':') + 1));
        udp.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(host, port)));
    }

    private synchronized void record(String where, byte[] bytes, int length) {
        received.add(where + " <- " + new String(bytes, 0, length, StandardCharsets.UTF_8));
    }

    /**
     * Everything this peer has received so far, in order: each UDP datagram (on its control socket
     * and on the socket {@link #fetchFrom} asks from), each TCP request its server read, and the
     * header and body its client read, as {@code "<where> <- <text>"}.
     */
    public synchronized List<String> received() {
        return new ArrayList<>(received);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        if (discoveryThread != null) {
            discoveryThread.interrupt();
        }
        udp.close();
        tcp.close();
    }
}
