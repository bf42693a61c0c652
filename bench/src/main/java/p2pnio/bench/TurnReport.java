package p2pnio.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import p2pnio.Node;
import p2pnio.NodeStats;
import p2pnio.bench.support.Gauges;

/**
 * One node's loop turns in benchmark 7's measured waves, said plainly and handed to a {@link Sink}:
 * {@link Gauges} in the JMH fork, or lines on stdout in {@link PeerProcess}, which the fork turns
 * back into gauges ({@link #replay}).
 */
final class TurnReport {

    /** Where the figures go. */
    interface Sink {
        void say(String line);

        void worst(String name, double value);

        void named(String what, String description, double millis);
    }

    /** Straight into this JVM's {@link Gauges} and stdout: the JMH fork. */
    static final Sink GAUGES = new Sink() {
        @Override
        public void say(String line) {
            System.out.println(line);
        }

        @Override
        public void worst(String name, double value) {
            Gauges.worst(name, value);
        }

        @Override
        public void named(String what, String description, double millis) {
            Gauges.named(what, description, millis);
        }
    };

    /** As lines on stdout that {@link #replay} reads back: a peer process. */
    static final Sink LINES = new Sink() {
        @Override
        public void say(String line) {
            System.out.println("S " + line);
        }

        @Override
        public void worst(String name, double value) {
            System.out.println("W " + name + " " + value);
        }

        @Override
        public void named(String what, String description, double millis) {
            System.out.println("N " + millis + "\t" + what + "\t" + description.replace('\n', ' '));
        }
    };

    private TurnReport() {
    }

    /** Gives {@code sink} one line written by {@link #LINES}; false if it is not one. */
    static boolean replay(String line, Sink sink) {
        if (line.startsWith("S ")) {
            sink.say(line.substring(2));
        } else if (line.startsWith("W ")) {
            String[] f = line.split(" ");
            sink.worst(f[1], Double.parseDouble(f[2]));
        } else if (line.startsWith("N ")) {
            String[] f = line.substring(2).split("\t", 3);
            sink.named(f[1], f[2], Double.parseDouble(f[0]));
        } else {
            return false;
        }
        return true;
    }

    /** Reports {@code node}'s turns since its window was restarted with {@code turnsBefore} turns counted. */
    static void report(String who, Node node, long turnsBefore, Sink sink) throws Exception {
        NodeStats s = node.stats().get(30, TimeUnit.SECONDS);
        // Said plainly, for whoever reads the run's output: what the longest turn ran, and how much of it was on a CPU.
        sink.say(String.format(Locale.ROOT, "%nLoop turns of the %s node in the measured waves: p50 %.3f ms, p99 %.3f ms,"
                        + " p99.9 %.3f ms, longest %.3f ms; the longest turn ran: %s", who, s.turnP50Nanos() / 1e6,
                s.turnP99Nanos() / 1e6, s.turnP999Nanos() / 1e6, s.longestTurnNanos() / 1e6, s.longestTurn()));
        sink.worst(who + "TurnP50Ms", s.turnP50Nanos() / 1e6);
        sink.worst(who + "TurnP99Ms", s.turnP99Nanos() / 1e6);
        sink.worst(who + "TurnP999Ms", s.turnP999Nanos() / 1e6);
        sink.worst(who + "LongestTurnMs", s.longestTurnNanos() / 1e6);
        long turns = s.loopTurns() - turnsBefore;
        sink.worst(who + "Turns", turns);
        if (s.turnCpuP999Nanos() >= 0) {
            // The same turns, counting only the loop thread's time on a CPU: the loop's own work, without the machine's waits.
            sink.say(String.format(Locale.ROOT, "On-CPU time of the %s node's turns: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms;"
                            + " the loop thread allocated %.0f bytes per turn (%d turns); the most CPU in one turn, %.3f ms,"
                            + " ran: %s", who, s.turnCpuP50Nanos() / 1e6, s.turnCpuP99Nanos() / 1e6, s.turnCpuP999Nanos() / 1e6,
                    (double) s.turnAllocatedBytes() / turns, turns, s.longestCpuTurnNanos() / 1e6, s.longestCpuTurn()));
            sink.worst(who + "CpuP50Ms", s.turnCpuP50Nanos() / 1e6);
            sink.worst(who + "CpuP99Ms", s.turnCpuP99Nanos() / 1e6);
            sink.worst(who + "CpuP999Ms", s.turnCpuP999Nanos() / 1e6);
            sink.worst(who + "AllocBytesPerTurn", (double) s.turnAllocatedBytes() / turns);
            sink.worst(who + "LongestCpuTurnMs", s.longestCpuTurnNanos() / 1e6);
            sink.named(who + " longest turn on the CPU", s.longestCpuTurn(), s.longestCpuTurnNanos() / 1e6);
        }
        sink.named(who + " longest turn", s.longestTurn(), s.longestTurnNanos() / 1e6);
        // The turns over the goal's 5 ms, by what kept each long (measured turns only), and the first ones named.
        var slow = s.slowTurns();
        sink.say(String.format(Locale.ROOT, "Turns of the %s node over 5 ms: %d of %d; over 5 ms on the CPU alone %d,"
                        + " off the CPU mostly waiting for a CPU %d, mostly blocked %d", who, slow.get("total"), turns,
                slow.get("onCpu"), slow.get("waitingForCpu"), slow.get("blocked")));
        for (String t : s.slowTurnSamples()) {
            sink.say("  slow " + who + " turn " + t);
        }
        sink.worst(who + "SlowTurns", slow.get("total"));
        sink.worst(who + "SlowOnCpu", slow.get("onCpu"));
        sink.worst(who + "SlowWaitingForCpu", slow.get("waitingForCpu"));
        sink.worst(who + "SlowBlocked", slow.get("blocked"));
    }
}
