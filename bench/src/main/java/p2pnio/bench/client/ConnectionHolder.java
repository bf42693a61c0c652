package p2pnio.bench.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The other process of the connection-scale benchmark: opens {@code count} TCP connections to a
 * server and holds them, idle, until its standard input closes. Holding them in another process
 * keeps each side under its file-descriptor limit.
 *
 * <p>Protocol with the parent: prints {@code HELD <n>} once every connection is up (or
 * {@code FAILED <why>}), then waits for end of input and exits.
 */
public final class ConnectionHolder {

    private ConnectionHolder() {
    }

    /** {@code ConnectionHolder <host> <port> <count>}. */
    public static void main(String[] args) throws IOException {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        List<SocketChannel> held = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                held.add(SocketChannel.open(server));
            }
            System.out.println("HELD " + held.size());
        } catch (IOException e) {
            System.out.println("FAILED after " + held.size() + " connections: " + e);
        }
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // wait for the parent to close our input
        }
        for (SocketChannel ch : held) {
            ch.close();
        }
    }

    /** The parent's handle on a holder process. */
    public static final class Handle implements AutoCloseable {
        private final Process process;
        private final int held;

        private Handle(Process process, int held) {
            this.process = process;
            this.held = held;
        }

        /** Connections the holder has open. */
        public int held() {
            return held;
        }

        /** Closes the holder's input, so it closes its connections and exits; waits for that. */
        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /** Starts a holder JVM on this process's class path and waits until it holds its connections. */
    public static Handle start(InetSocketAddress server, int count) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ConnectionHolder.class.getName(),
                server.getHostString(), Integer.toString(server.getPort()), Integer.toString(count));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("HELD ")) {
            p.destroyForcibly();
            throw new IOException("connection holder: " + line);
        }
        return new Handle(p, Integer.parseInt(line.substring(5).trim()));
    }
}
