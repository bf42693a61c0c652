package p2pnio;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A peer whose TCP replies a test scripts byte by byte: it answers every {@code Get} datagram at
 * once with {@code File,1,<port>} and hands each accepted connection to the script.
 */
public final class ScriptedServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    @FunctionalInterface
    public interface Script {
        void serve(Socket connection) throws IOException, InterruptedException;
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean closed;

    public ScriptedServer(Script script) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        udp = new DatagramSocket(new InetSocketAddress(lo, 0));
        tcp = new ServerSocket(0, 50, lo);
        Thread u = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!closed) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udp.receive(p);
                    if (new String(buf, 0, p.getLength(), StandardCharsets.UTF_8).startsWith("Get,")) {
                        byte[] answer = ("File,1," + tcp.getLocalPort() + "\n").getBytes(StandardCharsets.UTF_8);
                        udp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }, "scripted-udp");
        Thread t = new Thread(() -> {
            while (!closed) {
                try (Socket s = tcp.accept()) {
                    s.setTcpNoDelay(true);
                    script.serve(s);
                } catch (IOException | InterruptedException e) {
                    // the script's connection is over; take the next
                }
            }
        }, "scripted-tcp");
        u.setDaemon(true);
        t.setDaemon(true);
        u.start();
        t.start();
    }

    /** Its control address. */
    public String address() {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** Reads the request line a client sent (up to its newline). */
    public static String readLine(Socket s) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }
}
