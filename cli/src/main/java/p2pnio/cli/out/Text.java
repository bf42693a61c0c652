package p2pnio.cli.out;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import p2pnio.LoopStep;
import p2pnio.NodeEvent;
import p2pnio.NodeStats;

/** How the command line writes sizes, rates, times, events, tables and stats for people. */
public final class Text {

    private Text() {
    }

    /** A byte count in binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 300.0 MiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A rate: {@code 312.4 MiB/s}. */
    public static String rate(double bytesPerSecond) {
        return bytes((long) bytesPerSecond) + "/s";
    }

    /** A duration in seconds or minutes: {@code 0.42 s}, {@code 12 s}, {@code 3 min 5 s}. */
    public static String seconds(double s) {
        if (s < 10) {
            return String.format(Locale.ROOT, "%.2f s", s);
        }
        if (s < 120) {
            return Math.round(s) + " s";
        }
        long total = Math.round(s);
        return total / 60 + " min " + total % 60 + " s";
    }

    /** How long ago something was heard, or "never". */
    public static String ago(long millis) {
        return millis < 0 ? "never" : seconds(millis / 1000.0) + " ago";
    }

    /**
     * One line for an event worth telling a person, or null for events that are answers to
     * queries ({@code PeersReport} and the like) or too frequent ({@code DownloadProgress}).
     */
    public static String event(NodeEvent event) {
        if (event instanceof NodeEvent.PeerJoined e) {
            return "peer " + e.address() + " joined (" + via(e.via()) + ")";
        } else if (event instanceof NodeEvent.PeerLiveness e) {
            return "peer " + e.address() + (e.state().equals("removed") ? " removed (not heard from)" : " is " + e.state());
        } else if (event instanceof NodeEvent.PeerRestarted e) {
            return "peer " + e.address() + " restarted (instance " + e.instance() + ")";
        } else if (event instanceof NodeEvent.RequestSent e) {
            return e.attempt() <= 1
                    ? "asked " + e.peers() + (e.peers() == 1 ? " peer" : " peers") + " for " + e.name()
                    : "asked again for " + e.name() + " (try " + e.attempt() + ", " + e.peers() + (e.peers() == 1 ? " peer)" : " peers)");
        } else if (event instanceof NodeEvent.RequestAnswered e) {
            return e.peer() + " has " + e.name() + " (tcp port " + e.tcpPort() + ")";
        } else if (event instanceof NodeEvent.RequestRetrying e) {
            return e.name() + ": " + e.what() + "; " + (e.retryInNanos() >= 0
                    ? "trying it again in " + seconds(e.retryInNanos() / 1e9) : "no time left to try it again")
                    + ", and asking the cluster again";
        } else if (event instanceof NodeEvent.DownloadStarted e) {
            return "downloading " + e.name() + " from " + e.peer() + ": " + bytes(e.size());
        } else if (event instanceof NodeEvent.DownloadFinished e) {
            String savedAs = e.file().getFileName().toString();
            return "finished " + e.name() + ": " + bytes(e.size()) + " in " + seconds(e.elapsedNanos() / 1e9)
                    + " (" + rate(e.bytesPerSecond()) + ") from " + e.peer()
                    + (savedAs.equals(e.name()) ? "" : "; saved as '" + savedAs + "' (a '" + e.name()
                    + "' was already in the folder and is kept)")
                    + "; " + (e.verified() ? "verified " + digest(e.sha256()) : "not verified (" + e.notVerified() + ")");
        } else if (event instanceof NodeEvent.DigestMismatch e) {
            return e.name() + " from " + e.peer() + " is not what it announced: "
                    + (e.actual() == null ? e.what() : "sha256 " + e.actual() + ", announced " + e.expected())
                    + "; the partial file is deleted" + (e.retrying() ? ", trying another peer" : "");
        } else if (event instanceof NodeEvent.DownloadFailed e) {
            return "failed " + e.name() + ": " + e.reason();
        } else if (event instanceof NodeEvent.UploadFinished e) {
            return "served " + e.name() + " to " + e.peer() + ": " + bytes(e.size()) + " in "
                    + seconds(e.elapsedNanos() / 1e9);
        } else if (event instanceof NodeEvent.UploadFailed e) {
            return "upload of " + (e.name() == null ? "?" : e.name()) + " to " + e.peer() + " failed: " + e.reason();
        } else if (event instanceof NodeEvent.Warning e) {
            return "warning: " + e.message();
        } else if (event instanceof NodeEvent.DiscoverySent e) {
            return "discovery round sent to " + e.peers() + (e.peers() == 1 ? " peer" : " peers");
        } else if (event instanceof NodeEvent.Stopped e) {
            return e.cause() == null ? null : "node stopped: " + e.cause();
        } else if (event instanceof NodeEvent.RateLimits e) {
            return rateLimits(e);
        }
        return null;
    }

    /** The rate limits in one line: {@code rate limits: upload 5.0 MiB/s, download unlimited}. */
    public static String rateLimits(NodeEvent.RateLimits limits) {
        return "rate limits: upload " + limit(limits.uploadBytesPerSecond()) + ", download "
                + limit(limits.downloadBytesPerSecond());
    }

    /** A rate limit for people: {@code 5.0 MiB/s}, or {@code unlimited} for 0. */
    public static String limit(long bytesPerSecond) {
        return bytesPerSecond == 0 ? "unlimited" : rate(bytesPerSecond);
    }

    private static String via(String via) {
        return switch (via) {
            case "configured" -> "configured";
            case "sender" -> "it wrote to us";
            default -> "learned from " + via;
        };
    }

    /** Left-aligned columns under a header, two spaces apart. */
    public static List<String> table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        List<String> out = new ArrayList<>();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + width[i] + "s  ", row.get(i)));
            }
            out.add(line.toString().stripTrailing());
        }
        return out;
    }

    /** The cluster as a table. */
    public static List<String> peers(List<NodeEvent.PeerInfo> peers) {
        if (peers.isEmpty()) {
            return List.of("no peers yet (add one with: add HOST:PORT)");
        }
        List<List<String>> rows = new ArrayList<>();
        for (NodeEvent.PeerInfo p : peers) {
            rows.add(List.of(p.address(), via(p.via()), ago(p.lastHeardMillisAgo()), p.state(),
                    p.priority() ? "yes" : "no"));
        }
        return table(List.of("PEER", "FROM", "LAST HEARD", "STATE", "PRIORITY"), rows);
    }

    /** Transfers as a table. */
    public static List<String> transfers(List<NodeEvent.TransferInfo> transfers) {
        if (transfers.isEmpty()) {
            return List.of("no transfers yet");
        }
        List<List<String>> rows = new ArrayList<>();
        for (NodeEvent.TransferInfo t : transfers) {
            String pct = t.size() > 0 ? String.format(Locale.ROOT, "%.0f%%", 100.0 * t.bytes() / t.size())
                    : t.size() == 0 ? "100%" : "?";
            rows.add(List.of(t.direction(), t.name() == null ? "?" : t.name(), t.peer(),
                    bytes(t.bytes()) + (t.size() >= 0 ? " / " + bytes(t.size()) : ""), pct,
                    rate(t.bytesPerSecond()), t.state()));
        }
        return table(List.of("DIR", "NAME", "PEER", "BYTES", "DONE", "RATE", "STATE"), rows);
    }

    /** Shared files as a table. */
    public static List<String> files(List<NodeEvent.FileInfo> files) {
        if (files.isEmpty()) {
            return List.of("the shared folder is empty");
        }
        List<List<String>> rows = new ArrayList<>();
        for (NodeEvent.FileInfo f : files) {
            rows.add(List.of(f.name(), bytes(f.size()), f.sha256() == null ? "(not hashed yet)" : digest(f.sha256())));
        }
        return table(List.of("NAME", "SIZE", "SHA-256"), rows);
    }

    /** A browse's table: each file, its size and digest, and the peers that hold it. */
    public static List<String> browse(NodeEvent.BrowseReport report) {
        List<String> out = new ArrayList<>();
        if (report.asked() == 0) {
            out.add("no peer to browse: only other p2pnio nodes can list what they share (reference-style peers cannot)");
            return out;
        }
        if (report.files().isEmpty()) {
            out.add("the peers share nothing");
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (NodeEvent.SharedFile f : report.files()) {
                rows.add(List.of(f.name(), bytes(f.size()), f.sha256() == null ? "(not hashed yet)" : digest(f.sha256()),
                        String.join(" ", f.peers())));
            }
            out.addAll(table(List.of("NAME", "SIZE", "SHA-256", "PEERS"), rows));
        }
        out.add(report.files().size() + (report.files().size() == 1 ? " file" : " files") + " from "
                + report.answered() + " of " + report.asked() + (report.asked() == 1 ? " peer" : " peers")
                + (report.answered() < report.asked() ? " (the others did not answer in full within 2 s)" : ""));
        return out;
    }

    /** A SHA-256 in short form: {@code sha256:} and its first 16 hex digits, then {@code …}. */
    public static String digest(String sha256) {
        return "sha256:" + sha256.substring(0, Math.min(16, sha256.length())) + (sha256.length() > 16 ? "…" : "");
    }

    /** The loop's counters, a few lines. */
    public static List<String> stats(NodeStats s) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "datagrams   in %d, out %d, dropped %d%s", s.datagramsIn(), s.datagramsOut(),
                s.droppedTotal(), dropped(s.dropped())));
        out.add(String.format(Locale.ROOT, "bytes       sent %s, received %s, %.0f bytes per transferTo (%d calls)",
                bytes(s.bytesSent()), bytes(s.bytesReceived()), s.bytesPerTransferTo(), s.transferToCalls()));
        out.add(String.format(Locale.ROOT, "connections uploads %d open, %d done, %d failed; downloads %d open, %d done, "
                        + "%d failed; %d refused", s.uploadsOpen(), s.uploadsDone(), s.uploadsFailed(),
                s.downloadsOpen(), s.downloadsDone(), s.downloadsFailed(), s.connectionsRefused()));
        double busy = s.selectNanos() + s.handlerNanos();
        out.add(String.format(Locale.ROOT, "loop        %d turns, %d wake-ups, select %.1f s / handlers %.3f s (%.1f%% busy), "
                        + "longest turn %.2f ms", s.loopTurns(), s.selectorWakeups(), s.selectNanos() / 1e9,
                s.handlerNanos() / 1e9, busy == 0 ? 0 : 100 * s.handlerNanos() / busy, s.longestTurnNanos() / 1e6));
        out.add(String.format(Locale.ROOT, "turn times  p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (it ran: %s)",
                s.turnP50Nanos() / 1e6, s.turnP99Nanos() / 1e6, s.turnP999Nanos() / 1e6, s.longestTurnNanos() / 1e6,
                s.longestTurn()));
        if (s.rangesServed() > 0 || !s.rangesRefused().isEmpty()) {
            long refused = s.rangesRefused().values().stream().mapToLong(Long::longValue).sum();
            out.add(String.format(Locale.ROOT, "ranges      %d served, %d refused%s", s.rangesServed(), refused,
                    dropped(s.rangesRefused())));
        }
        if (s.quietErrors() > 0) {
            out.add(String.format(Locale.ROOT, "errors      %d gone on after on purpose (failed closes, unreadable "
                    + "sub-folders): the trace names each", s.quietErrors()));
        }
        out.add(String.format(Locale.ROOT, "queue       %d commands queued, %d run; timers %d pending, %d fired",
                s.commandsQueued(), s.commandsRun(), s.timersPending(), s.timersFired()));
        out.add(String.format(Locale.ROOT, "cluster     %d peers, %d shared files", s.peers(), s.sharedFiles()));
        return out;
    }

    /**
     * One turn of a stepped loop ({@code step} in the shell): a heading with the turn's number,
     * what {@code select} returned and how long the work took, then what the turn did in order,
     * one indented line each (ready keys, state transitions, tasks, timers, datagrams,
     * {@code transferTo} calls). Each entry is its own line, so a line break a peer put in a
     * datagram or a name stays inside its entry, escaped by {@link Output}, and cannot forge a turn.
     */
    public static List<String> turn(LoopStep step) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "turn %d: select -> %d key%s ready, %.3f ms of work", step.turn(),
                step.selected(), step.selected() == 1 ? "" : "s", step.workNanos() / 1e6));
        for (LoopStep.Entry e : step.entries()) {
            out.add("  " + e.text());
        }
        return out;
    }

    /** The counters in one line, for {@code serve --stats-every}. */
    public static String statsLine(NodeStats s) {
        return String.format(Locale.ROOT, "stats: datagrams in=%d out=%d dropped=%d, bytes sent=%d received=%d, "
                        + "uploads open=%d done=%d, downloads open=%d done=%d, wakeups=%d turns=%d select=%.1fs "
                        + "handlers=%.3fs longest=%.2fms queued=%d transferTo=%d (%.0f B/call), peers=%d",
                s.datagramsIn(), s.datagramsOut(), s.droppedTotal(), s.bytesSent(), s.bytesReceived(),
                s.uploadsOpen(), s.uploadsDone(), s.downloadsOpen(), s.downloadsDone(), s.selectorWakeups(),
                s.loopTurns(), s.selectNanos() / 1e9, s.handlerNanos() / 1e9, s.longestTurnNanos() / 1e6,
                s.commandsQueued(), s.transferToCalls(), s.bytesPerTransferTo(), s.peers());
    }

    private static String dropped(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(" (");
        byReason.forEach((reason, n) -> {
            if (n > 0) {
                b.append(b.length() > 2 ? ", " : "").append(reason).append(' ').append(n);
            }
        });
        return b.length() == 2 ? "" : b.append(')').toString();
    }
}
