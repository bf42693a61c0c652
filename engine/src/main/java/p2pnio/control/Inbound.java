package p2pnio.control;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import p2pnio.core.Context;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.HostPort;

/**
 * What happens to one received datagram: the size check, decoding, and the hand-over of the
 * message to its {@link ControlChannel.Receiver}. The UDP socket feeds it in a node; the
 * membership simulation feeds it from its in-memory network, so both run this same code.
 *
 * <p>A datagram that filled the receive buffer (one byte larger than the largest accepted) was
 * larger than {@code maxDatagramBytes}: it is dropped ({@link DropReason#TOO_LARGE}), except a
 * {@code DISCOVER}, which is read as the reference node reads it: its first
 * {@code maxDatagramBytes} bytes. Its last entry is dropped if the cut fell inside it. Loop thread
 * only.
 */
public final class Inbound {

    private static final byte[] DISCOVER = "DISCOVER,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Context ctx;
    private final Datagrams drops;
    private final ControlChannel.Receiver receiver;
    private final ControlCodec codec = new ControlCodec();

    public Inbound(Context ctx, Datagrams drops, ControlChannel.Receiver receiver) {
        this.ctx = ctx;
        this.drops = drops;
        this.receiver = receiver;
    }

    /**
     * Handles the datagram between {@code in}'s position and limit, received into a buffer of
     * {@code capacity} bytes ({@code maxDatagramBytes + 1}).
     */
    public void receive(InetSocketAddress sender, ByteBuffer in, int capacity) {
        ctx.counters.datagramsIn++;
        if (in.remaining() >= capacity) {
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
            ctx.trace.line("udp in  " + HostPort.of(sender) + " " + d.message());
        }
        dispatch(sender, d.message());
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
