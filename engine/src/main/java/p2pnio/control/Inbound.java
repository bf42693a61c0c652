package p2pnio.control;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import p2pnio.core.Context;
import p2pnio.secure.Members;
import p2pnio.secure.Seal;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.HostPort;

/**
 * What happens to one received datagram: in secure mode its authentication, then the size check,
 * decoding, and the hand-over of the message to its {@link ControlChannel.Receiver}. The UDP socket
 * feeds it in a node; the membership simulation feeds it from its in-memory network, so both run
 * this same code.
 *
 * <p><b>Secure mode</b> (a {@link Seal}): every datagram must open before a byte of it is decoded;
 * one that does not is dropped and counted under its {@code AUTH_} reason, so nothing unsealed
 * reaches any part of the node. Who sealed each message is noted in the
 * {@link Members} just before the receiver gets it. A plain node that receives a
 * sealed datagram counts it {@link DropReason#AUTH_UNEXPECTED}. Mixes that cannot work are said
 * once per peer (a warning, at most {@value #WARNINGS_PER_MINUTE} a minute, so that spoofed
 * senders cannot flood the console): a plain peer at a secure node, a peer sealing with another
 * secret, a member whose clock is off, a secure peer at a plain node.
 *
 * <p>A datagram that filled the receive buffer (one byte larger than the largest accepted) was
 * larger than {@code maxDatagramBytes}: it is dropped ({@link DropReason#TOO_LARGE}), except a
 * {@code DISCOVER}, which is read as the reference node reads it: its first
 * {@code maxDatagramBytes} bytes. Its last entry is dropped if the cut fell inside it. Loop thread
 * only.
 */
public final class Inbound {

    private static final byte[] DISCOVER = "DISCOVER,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int WARNINGS_PER_MINUTE = 10;
    private static final int WARNED_REMEMBERED = 256;
    private static final long MINUTE = 60_000_000_000L;

    private final Context ctx;
    private final Datagrams drops;
    private final ControlChannel.Receiver receiver;
    private final Seal seal;
    private final Members members;
    private final ControlCodec codec = new ControlCodec();
    /** (reason, sender) pairs already warned about, the eldest forgotten first. */
    private final Map<String, Boolean> warned = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > WARNED_REMEMBERED;
        }
    };
    private long warningMinute;
    private int warningsThisMinute;

    /** A receive path for the plain protocol. */
    public Inbound(Context ctx, Datagrams drops, ControlChannel.Receiver receiver) {
        this(ctx, drops, receiver, null, null);
    }

    /**
     * A receive path that admits only datagrams {@code seal} opens, noting in {@code members} who
     * sealed each; both null for the plain protocol.
     */
    public Inbound(Context ctx, Datagrams drops, ControlChannel.Receiver receiver, Seal seal, Members members) {
        if ((seal == null) != (members == null)) {
            throw new IllegalArgumentException("secure mode needs both a seal and the members, plain mode neither");
        }
        this.ctx = ctx;
        this.drops = drops;
        this.receiver = receiver;
        this.seal = seal;
        this.members = members;
    }

    /**
     * Handles the datagram between {@code in}'s position and limit, received into a buffer of
     * {@code capacity} bytes ({@code maxDatagramBytes + 1}).
     */
    public void receive(InetSocketAddress sender, ByteBuffer in, int capacity) {
        ctx.counters.datagramsIn++;
        if (seal != null) {
            if (!opened(sender, in, capacity)) {
                return;
            }
        } else if (Seal.looksSealed(in)) {
            drops.drop(DropReason.AUTH_UNEXPECTED, sender, null);
            warnOnce(DropReason.AUTH_UNEXPECTED, sender, "runs in secure mode (its datagrams are sealed with a"
                    + " cluster secret) and this node has no secret: they are dropped. Start this node with"
                    + " --secret FILE (that cluster's secret) to join it");
            return;
        } else if (in.remaining() >= capacity) {
            if (!startsWith(in, DISCOVER)) {
                drops.drop(DropReason.TOO_LARGE, sender, null);
                return;
            }
            readLikeTheReference(sender, in, capacity - 1);
        }
        ControlCodec.Decoded d = codec.decode(in);
        if (!d.ok()) {
            drops.drop(d.dropped(), sender, null);
            return;
        }
        if (ctx.trace.on()) {
            ctx.trace.line("udp in  " + HostPort.of(sender) + " " + d.message()
                    + (seal == null ? "" : " (sealed by " + seal.sender().shortHex() + ")"));
        }
        if (seal != null) {
            members.heard(sender, seal.sender());
        }
        dispatch(sender, d.message());
    }

    /**
     * Opens a sealed datagram, leaving {@code in} holding its message; false (counted, and said once
     * where it is a mix that cannot work) if it does not open. Too large a datagram was cut by the
     * receive, tag and all: dropped as {@link DropReason#TOO_LARGE}.
     */
    private boolean opened(InetSocketAddress sender, ByteBuffer in, int capacity) {
        DropReason why = Seal.looksSealed(in) && in.remaining() >= capacity ? DropReason.TOO_LARGE : seal.open(in);
        if (why == null) {
            return true;
        }
        String detail = null;
        switch (why) {
            case AUTH_MISSING -> warnOnce(why, sender, "speaks the plain protocol (a reference node, or one of ours"
                    + " started without this cluster's secret): it cannot be a member of this secure cluster, and"
                    + " its datagrams are dropped");
            case AUTH_OTHER_SECRET -> {
                detail = "key id " + Integer.toHexString(seal.otherKeyId());
                warnOnce(why, sender, "seals its datagrams with another cluster secret (key id "
                        + Integer.toHexString(seal.otherKeyId()) + ", ours " + Integer.toHexString(seal.keyId())
                        + "): it belongs to another secure cluster, and its datagrams are dropped");
            }
            case AUTH_CLOCK_SKEW -> {
                String off = String.format(java.util.Locale.ROOT, "%.1f s %s", Math.abs(seal.skewMillis()) / 1000.0,
                        seal.skewMillis() > 0 ? "ahead of" : "behind");
                detail = "its clock is " + off + " ours";
                warnOnce(why, sender, "has a clock " + off + " ours, more than the "
                        + seal.skewAllowedMillis() / 1000.0 + " s a sealed datagram may be off: its datagrams are"
                        + " refused until the clocks agree (keep members' clocks synchronised, e.g. with NTP)");
            }
            default -> {
                // forged, altered, replayed or misdirected: counted, never worth a person's attention
            }
        }
        drops.drop(why, sender, detail);
        return false;
    }

    /** Warns once about {@code sender} for {@code reason}, within the warnings' budget. */
    private void warnOnce(DropReason reason, InetSocketAddress sender, String what) {
        String key = reason + " " + HostPort.of(sender);
        if (warned.containsKey(key)) {
            return;
        }
        long now = ctx.loop.now();
        if (now - warningMinute >= MINUTE) {
            warningMinute = now;
            warningsThisMinute = 0;
        }
        if (warningsThisMinute >= WARNINGS_PER_MINUTE) {
            return; // counted all the same; said later if it goes on
        }
        warningsThisMinute++;
        warned.put(key, Boolean.TRUE);
        ctx.events.warning("peer " + HostPort.of(sender) + " " + what + " (counted " + reason + ")");
    }

    /**
     * Keeps the first {@code max} bytes of an over-long {@code DISCOVER}, as the reference node's
     * 2048-byte read does, and cuts back to the last whole entry when the cut fell inside one (the
     * byte after the cut, which we have, tells).
     */
    private void readLikeTheReference(InetSocketAddress sender, ByteBuffer in, int max) {
        int start = in.position();
        int end = start + max;
        drops.drop(DropReason.DISCOVER_TRUNCATED, sender, null);
        for (int i = start; i < end; i++) {
            if (in.get(i) == '\n') {
                in.limit(end);
                return; // the first line, the only one read, is whole
            }
        }
        byte next = in.get(end);
        if (next != ',' && next != '\n' && next != '\r' && next != ' ' && next != '\t') {
            int comma = end - 1;
            while (comma >= start && in.get(comma) != ',') {
                comma--;
            }
            end = comma; // DISCOVER's own comma at worst: an empty list
            drops.drop(DropReason.DISCOVER_CUT_ENTRY, sender, null);
        }
        in.limit(end);
    }

    private static boolean startsWith(ByteBuffer in, byte[] prefix) {
        if (in.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in.get(in.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void dispatch(InetSocketAddress sender, ControlMessage message) {
        if (message instanceof ControlMessage.Discover m) {
            receiver.onDiscover(sender, m);
        } else if (message instanceof ControlMessage.Get m) {
            receiver.onGet(sender, m);
        } else if (message instanceof ControlMessage.Hello m) {
            receiver.onHello(sender, m);
        } else if (message instanceof ControlMessage.Ping m) {
            receiver.onPing(sender, m);
        } else if (message instanceof ControlMessage.Ack m) {
            receiver.onAck(sender, m);
        } else if (message instanceof ControlMessage.ListRequest m) {
            receiver.onList(sender, m);
        } else if (message instanceof ControlMessage.Listing m) {
            receiver.onListing(sender, m);
        } else {
            receiver.onFile(sender, (ControlMessage.FileOffer) message);
        }
    }
}
