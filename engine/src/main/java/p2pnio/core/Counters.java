package p2pnio.core;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.jfr.FlightRecorder;
import p2pnio.jfr.DatagramDroppedEvent;
import p2pnio.wire.DropReason;
import p2pnio.wire.HostPort;
import p2pnio.wire.Range;

/** The node's counters. Loop thread only: plain fields, no atomics on the hot path. */
public final class Counters {
    public long datagramsIn;
    public long datagramsOut;
    public long datagramBytesOut;
    public long bytesSent;
    public long bytesReceived;
    public int uploadsOpen;
    public int downloadsOpen;
    public long uploadsDone;
    public long downloadsDone;
    public long uploadsFailed;
    public long downloadsFailed;
    public long connectionsRefused;
    public long transferToCalls;
    /** Exceptions the engine went on after on purpose (a failed close, an unreadable sub-folder), each traced. */
    public long quietErrors;
    /** Ranged requests answered with {@code RANGE} (issue #12). */
    public long rangesServed;
    private final long[] dropped = new long[DropReason.values().length];
    private final long[] rangesRefused = new long[Range.Refusal.values().length];

    /** Counts one ranged request refused with {@code REFUSED,...,<why>}. */
    public void rangeRefused(Range.Refusal why) {
        rangesRefused[why.ordinal()]++;
    }

    /** Ranged requests refused, by reason token ({@code malformed}, {@code missing}, {@code outside}), non-zero only. */
    public Map<String, Long> rangesRefusedByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Range.Refusal r : Range.Refusal.values()) {
            if (rangesRefused[r.ordinal()] > 0) {
                out.put(r.token(), rangesRefused[r.ordinal()]);
            }
        }
        return out;
    }

    /** Counts one drop. */
    public void drop(DropReason reason) {
        drop(reason, null, null);
    }

    /** Counts one drop from {@code from} (null if unknown); a Flight Recorder event too, while one records. */
    public void drop(DropReason reason, InetSocketAddress from, String detail) {
        dropped[reason.ordinal()]++;
        if (FlightRecorder.isInitialized()) {
            DatagramDroppedEvent e = new DatagramDroppedEvent();
            if (e.shouldCommit()) {
                e.reason = reason.name();
                e.from = from == null ? null : HostPort.of(from);
                e.detail = detail;
                e.commit();
            }
        }
    }

    /** Drops counted for {@code reason}. */
    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()];
    }

    /** Every reason with a non-zero count, in declaration order. */
    public Map<String, Long> droppedByReason() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DropReason r : DropReason.values()) {
            if (dropped[r.ordinal()] > 0) {
                out.put(r.name(), dropped[r.ordinal()]);
            }
        }
        return out;
    }
}
