package p2pnio.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import p2pnio.NodeListener;
import p2pnio.bench.servers.NodeServer;

/**
 * Benchmark 7's serving node in a process of its own ({@code topology=two_processes}), as a real
 * node's peer is on another machine: started by {@link LoopTurnsBenchmark} (pinned to a CPU with
 * {@code taskset}), it serves {@code folder} and answers one word a line on stdin: {@code restart}
 * (a new turn window), {@code report} (its turns, as {@link TurnReport#LINES}, then {@code end});
 * it stops at the end of stdin.
 *
 * <p>{@code PeerProcess <folder> <files> <sendChunkBytes> <sendBytesPerTurn> <measureCpu>}
 */
public final class PeerProcess {

    private PeerProcess() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        NodeServer server = new NodeServer(NodeServer.config(Path.of(args[0])).sendChunkBytes(Integer.parseInt(args[2]))
                .sendBytesPerTurn(Integer.parseInt(args[3])).measureTurnCpu(Boolean.parseBoolean(args[4])).build(),
                Integer.parseInt(args[1]), NodeListener.ignoring());
        System.out.println("address " + server.node().address());
        System.out.flush();
        long turnsBefore = 0;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = in.readLine()) != null; ) {
                switch (line) {
                    case "restart" -> turnsBefore = server.node().statsRestartingTurns().get(30, TimeUnit.SECONDS).loopTurns();
                    case "report" -> TurnReport.report("server", server.node(), turnsBefore, TurnReport.LINES);
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
                System.out.println("end");
                System.out.flush();
            }
        } finally {
            server.close();
        }
    }
}
