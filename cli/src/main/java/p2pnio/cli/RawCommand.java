package p2pnio.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import p2pnio.PeerAddress;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.Text;
import p2pnio.cli.settings.Settings;
import p2pnio.cli.settings.UsageError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code p2p raw HOST:PORT PIECE...}: a client for the lessons (docs/lessons.md), so that they need
 * no {@code nc}. It sends each piece in one write (or one datagram with {@code --udp}), pausing
 * between them, then prints what comes back, every read (or datagram) on a line of its own, with
 * control characters made visible like everything else the command line prints.
 *
 * <p>It is an ordinary blocking client: it is what a node meets on the network, not part of one.
 */
@Command(name = "raw", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Send bytes to a node as they are and print what comes back: the lessons' client (no nc needed).",
                "Each PIECE goes in one write (one datagram with --udp), --pause seconds apart; in a piece "
                        + "\\n \\r \\t \\0 \\\\ and \\xNN stand for those bytes.",
                "Lines with > are what was sent, < what came back (one line per read); control characters show as \\x0a.",
                "Example: p2p raw 127.0.0.1:44275 'Get,' 'a.t' 'xt\\n' --pause 1"})
public final class RawCommand implements Callable<Integer> {

    private static final Duration TCP_WAIT = Duration.ofSeconds(10);
    private static final Duration UDP_WAIT = Duration.ofSeconds(2);

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "Where to send: a node's TCP port, or its UDP port with --udp.")
    String address;

    @Parameters(index = "1..*", paramLabel = "PIECE", description = "The bytes to send, one write each.")
    List<String> pieces = new ArrayList<>();

    @Option(names = "--pause", paramLabel = "S", defaultValue = "0", description = "Seconds between two pieces (default ${DEFAULT-VALUE}).")
    String pause;

    @Option(names = "--read-after", paramLabel = "S", defaultValue = "0",
            description = "Read nothing until S seconds after the last piece, like a client that does not read (default ${DEFAULT-VALUE}).")
    String readAfter;

    @Option(names = "--wait", paramLabel = "S",
            description = "Stop after S seconds without a byte (default 10); with --udp, listen S seconds for answers (default 2).")
    String waitFor;

    @Option(names = "--show", paramLabel = "BYTES", defaultValue = "512",
            description = "Show at most this many bytes of what comes back, then only count them (default ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--udp", description = "Send each piece as a datagram and print the datagrams that come back.")
    boolean udp;

    @ParentCommand
    Main parent;

    private Output out;
    private long shown;

    @Override
    public Integer call() throws IOException, InterruptedException {
        out = Output.of(parent.launch().out());
        String why = PeerAddress.whyInvalid(address);
        if (why != null) {
            throw new UsageError("HOST:PORT: '" + address + "' " + why);
        }
        List<byte[]> data = new ArrayList<>();
        for (String piece : pieces) {
            data.add(bytes(piece));
        }
        Duration pauseFor = Settings.seconds(pause, "--pause", true);
        Duration readLater = Settings.seconds(readAfter, "--read-after", true);
        Duration idle = waitFor != null ? Settings.seconds(waitFor, "--wait", false) : udp ? UDP_WAIT : TCP_WAIT;
        InetSocketAddress to = new InetSocketAddress(PeerAddress.host(address), PeerAddress.port(address));
        return udp ? datagrams(to, data, pauseFor, idle) : stream(to, data, pauseFor, readLater, idle);
    }

    private int stream(InetSocketAddress to, List<byte[]> data, Duration pauseFor, Duration readLater, Duration idle)
            throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(to, (int) TCP_WAIT.toMillis());
            out.print("connected to " + address + " from " + PeerAddress.of((InetSocketAddress) socket.getLocalSocketAddress()));
            OutputStream toPeer = socket.getOutputStream();
            for (int i = 0; i < data.size(); i++) {
                if (i > 0) {
                    Thread.sleep(pauseFor.toMillis());
                }
                try {
                    toPeer.write(data.get(i));
                    toPeer.flush();
                } catch (IOException e) {
                    out.print("> write failed: " + e.getMessage());
                    break;
                }
                out.print("> " + data.get(i).length + " bytes: " + new String(data.get(i), StandardCharsets.UTF_8));
            }
            if (!readLater.isZero()) {
                out.print("not reading for " + Text.seconds(readLater.toNanos() / 1e9));
                Thread.sleep(readLater.toMillis());
            }
            socket.setSoTimeout((int) Math.max(1, idle.toMillis()));
            return receive(socket.getInputStream(), idle);
        } catch (IOException e) {
            out.print("connection to " + address + " failed: " + e.getMessage());
            return 1;
        }
    }

    private int receive(InputStream fromPeer, Duration idle) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        long reads = 0;
        long hiddenBytes = 0;
        long hiddenReads = 0;
        long started = System.nanoTime();
        while (true) {
            int n;
            try {
                n = fromPeer.read(buf);
            } catch (SocketTimeoutException e) {
                summary(hiddenBytes, hiddenReads);
                out.print("no byte for " + Text.seconds(idle.toNanos() / 1e9) + ": stopped after " + total + " bytes in "
                        + reads(reads));
                return 1;
            }
            if (n < 0) {
                summary(hiddenBytes, hiddenReads);
                out.print("closed by the peer after " + total + " bytes in " + reads(reads) + " ("
                        + Text.seconds((System.nanoTime() - started) / 1e9) + ")");
                return 0;
            }
            total += n;
            reads++;
            if (shown < show) {
                out.print("< " + n + " bytes: " + text(buf, n));
            } else {
                hiddenBytes += n;
                hiddenReads++;
            }
        }
    }

    private void summary(long hiddenBytes, long hiddenReads) {
        if (hiddenReads > 0) {
            out.print("< ... " + hiddenBytes + " more bytes (" + Text.bytes(hiddenBytes) + ") in " + reads(hiddenReads)
                    + ", not shown (--show)");
        }
    }

    private static String reads(long n) {
        return n + (n == 1 ? " read" : " reads");
    }

    private int datagrams(InetSocketAddress to, List<byte[]> data, Duration pauseFor, Duration idle)
            throws IOException, InterruptedException {
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < data.size(); i++) {
                if (i > 0) {
                    Thread.sleep(pauseFor.toMillis());
                }
                socket.send(new DatagramPacket(data.get(i), data.get(i).length, to));
                out.print("> datagram to " + address + ", " + data.get(i).length + " bytes: "
                        + new String(data.get(i), StandardCharsets.UTF_8));
            }
            long deadline = System.nanoTime() + idle.toNanos();
            byte[] buf = new byte[65_536];
            int received = 0;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                received++;
                out.print("< datagram from " + PeerAddress.of((InetSocketAddress) p.getSocketAddress()) + ", "
                        + p.getLength() + " bytes: " + text(p.getData(), p.getLength()));
            }
            out.print(received + (received == 1 ? " datagram" : " datagrams") + " came back within "
                    + Text.seconds(idle.toNanos() / 1e9));
            return 0;
        }
    }

    /** Up to what is left of the {@code --show} budget of what came back, as UTF-8 text. */
    private String text(byte[] b, int length) {
        int take = (int) Math.min(length, Math.max(0, show - shown));
        shown += take;
        return new String(b, 0, take, StandardCharsets.UTF_8) + (take < length ? " ..." : "");
    }

    /** The bytes a piece stands for: UTF-8, with {@code \n \r \t \0 \\ \xNN} escapes. */
    static byte[] bytes(String piece) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (c != '\\') {
                plain.append(c);
                continue;
            }
            b.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
            plain.setLength(0);
            char e = i + 1 < piece.length() ? piece.charAt(++i) : ' ';
            switch (e) {
                case 'n' -> b.write('\n');
                case 'r' -> b.write('\r');
                case 't' -> b.write('\t');
                case '0' -> b.write(0);
                case '\\' -> b.write('\\');
                case 'x' -> {
                    int hi = i + 1 < piece.length() ? Character.digit(piece.charAt(i + 1), 16) : -1;
                    int lo = i + 2 < piece.length() ? Character.digit(piece.charAt(i + 2), 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw badEscape(piece);
                    }
                    b.write(hi * 16 + lo);
                    i += 2;
                }
                default -> throw badEscape(piece);
            }
        }
        b.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static UsageError badEscape(String piece) {
        return new UsageError("PIECE '" + piece + "': a backslash must start \\n, \\r, \\t, \\0, \\\\ or \\xNN");
    }
}
