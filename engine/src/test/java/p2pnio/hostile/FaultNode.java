package p2pnio.hostile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import p2pnio.Command;
import p2pnio.Node;
import p2pnio.NodeConfig;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;

/**
 * One node as a real process, for the fault drill across network namespaces. Started as
 * {@code java -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.FaultNode
 * --host H --port P --folder F [--peer A]... [--period S] [--waiting S] [--delay S]}; reads
 * commands on standard input ({@code fetch NAME}, {@code cancel NAME}, {@code peers},
 * {@code stats}, {@code burst HOST:PORT COUNT}, {@code quit}) and prints one line per event or
 * answer on standard output, for the drill to read.
 */
public final class FaultNode {

    private FaultNode() {
    }

    public static void main(String[] args) throws Exception {
        NodeConfig.Builder b = NodeConfig.builder().getRetryInitial(Duration.ofMillis(500));
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--host" -> b.host(v);
                case "--port" -> b.port(Integer.parseInt(v));
                case "--folder" -> b.folder(Path.of(v));
                case "--peer" -> b.addPeer(v);
                case "--period" -> b.period(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
                case "--waiting" -> b.waiting(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
                case "--delay" -> b.delay(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
                case "--idle" -> b.idleTimeout(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
                case "--rcvbuf" -> b.udpReceiveBufferBytes(Integer.parseInt(v));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Node node = Node.start(b.build(), e -> out.println(line(e)))) {
            out.println("READY " + node.address());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String cmd; (cmd = in.readLine()) != null; ) {
                String[] w = cmd.trim().split(" ", 3);
                switch (w[0]) {
                    case "fetch" -> node.post(new Command.Fetch(w[1]));
                    case "cancel" -> node.post(new Command.Cancel(w[1]));
                    case "peers" -> out.println("PEERS " + node.peers().get(10, TimeUnit.SECONDS).stream()
                            .map(NodeEvent.PeerInfo::address).sorted().collect(Collectors.joining(",")));
                    case "stats" -> {
                        NodeStats s = node.stats().get(10, TimeUnit.SECONDS);
                        out.println("STATS in=" + s.datagramsIn() + " out=" + s.datagramsOut() + " done="
                                + s.downloadsDone() + " failed=" + s.downloadsFailed() + " dropped=" + s.droppedTotal()
                                + " kernelDrops=" + KernelUdp.drops(node.controlAddress().getPort()));
                    }
                    case "burst" -> {
                        int n = Integer.parseInt(w[2]);
                        String[] hp = w[1].split(":");
                        byte[] d = "DISCOVER,\n".getBytes(StandardCharsets.US_ASCII);
                        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(node.config().host(), 0))) {
                            InetSocketAddress to = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
                            for (int i = 0; i < n; i++) {
                                s.send(new DatagramPacket(d, d.length, to));
                            }
                        }
                        out.println("BURST " + n);
                    }
                    case "quit" -> {
                        out.println("BYE");
                        return;
                    }
                    default -> out.println("ERROR unknown command " + w[0]);
                }
            }
        } catch (IOException e) {
            out.println("ERROR " + e);
            System.exit(2);
        }
    }

    private static String line(NodeEvent e) {
        if (e instanceof NodeEvent.DownloadFinished f) {
            return "FINISHED " + f.name() + " " + f.size() + " " + f.peer();
        }
        if (e instanceof NodeEvent.DownloadFailed f) {
            return "FAILED " + f.name() + " " + f.reason().replace('\n', ' ');
        }
        if (e instanceof NodeEvent.DownloadStarted s) {
            return "STARTED " + s.name() + " " + s.size() + " " + s.peer();
        }
        if (e instanceof NodeEvent.PeerJoined j) {
            return "JOINED " + j.address() + " " + j.via();
        }
        return "EVENT " + e.toString().replace('\n', ' ');
    }
}
