package p2pnio.control;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import p2pnio.core.Context;
import p2pnio.loop.Handler;
import p2pnio.secure.Members;
import p2pnio.secure.Seal;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.HostPort;

/**
 * The UDP control endpoint: receives datagrams, decodes them and hands each message to the part
 * of the node that handles it; sends the node's own messages.
 *
 * <p>Receives into a buffer one byte larger than the largest datagram accepted, because
 * {@code DatagramChannel.receive} silently cuts what does not fit: a datagram that fills the
 * buffer was too large ({@link Inbound} says what becomes of it). Reads at most
 * {@code datagramsPerTurn} datagrams per readiness, one readiness per turn, so a flood on UDP cannot
 * starve the transfers: the rest wait in the socket's receive buffer for the next turn. Loop thread only.
 */
public final class ControlChannel implements Handler, Datagrams {

    /** Who handles each kind of message. */
    public interface Receiver {
        void onDiscover(InetSocketAddress from, ControlMessage.Discover message);

        void onGet(InetSocketAddress from, ControlMessage.Get message);

        void onFile(InetSocketAddress from, ControlMessage.FileOffer message);

        /** An extended {@code HELLO}. */
        void onHello(InetSocketAddress from, ControlMessage.Hello message);

        /** An extended {@code PING} (membership gossip). */
        void onPing(InetSocketAddress from, ControlMessage.Ping message);

        /** An extended {@code ACK} (membership gossip). */
        void onAck(InetSocketAddress from, ControlMessage.Ack message);

        /** An extended {@code LIST} (browse: what do you share?). */
        void onList(InetSocketAddress from, ControlMessage.ListRequest message);

        /** An extended {@code FILES} (one part of the answer to a {@code LIST}). */
        void onListing(InetSocketAddress from, ControlMessage.Listing message);
    }

    private final Context ctx;
    private final DatagramChannel channel;
    private final ByteBuffer in;
    private Inbound inbound;
    private final String label;
    private Seal seal;

    /** Binds the UDP socket to {@code bind} (port 0 picks one). */
    public ControlChannel(Context ctx, InetSocketAddress bind) throws IOException {
        this.ctx = ctx;
        this.channel = DatagramChannel.open();
        try {
            channel.configureBlocking(false);
            if (ctx.config.udpReceiveBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, ctx.config.udpReceiveBufferBytes());
            }
            channel.bind(bind);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.in = ByteBuffer.allocateDirect(ctx.config.maxDatagramBytes() + 1);
        this.label = "udp " + HostPort.of((InetSocketAddress) channel.getLocalAddress());
    }

    /** {@code udp <host:port>}: how the trace and a turn's report name it. */
    @Override
    public String toString() {
        return label;
    }

    /**
     * Starts receiving: registers with the loop. With a {@code seal} (secure mode) every datagram
     * sent is sealed, every one received must open, and who sealed it is noted in {@code members};
     * both null for the plain protocol.
     */
    public void start(Receiver receiver, Seal seal, Members members) throws IOException {
        this.seal = seal;
        this.inbound = new Inbound(ctx, this, receiver, seal, members);
        ctx.loop.register(channel, SelectionKey.OP_READ, this);
    }

    @Override
    public int room() {
        return seal == null ? Datagrams.super.room() : Datagrams.super.room() - Seal.OVERHEAD;
    }

    /** The bound local address. */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The receive buffer size the kernel actually gave. */
    public int receiveBufferBytes() throws IOException {
        return channel.getOption(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void onReady(SelectionKey key) throws IOException {
        int most = ctx.config.datagramsPerTurn();
        for (int i = 0; i < most; i++) {
            in.clear();
            SocketAddress from = channel.receive(in);
            if (from == null) {
                return;
            }
            in.flip();
            inbound.receive((InetSocketAddress) from, in, in.capacity());
        }
    }

    @Override
    public void drop(DropReason reason, InetSocketAddress from, String detail) {
        ctx.counters.drop(reason, from, detail);
        if (ctx.trace.on()) {
            ctx.trace.line("udp drop " + reason + (from == null ? "" : " from " + HostPort.of(from))
                    + (detail == null ? "" : " " + detail));
        }
    }

    /**
     * Sends pre-encoded bytes, sealed in secure mode (the one place a datagram leaves the node); a
     * full send buffer or an error drops it, counted.
     */
    @Override
    public void send(InetSocketAddress to, byte[] bytes, Object what) {
        try {
            int sent = channel.send(seal == null ? ByteBuffer.wrap(bytes) : seal.seal(to, bytes), to);
            if (sent == 0) {
                drop(DropReason.SEND_BUFFER_FULL, to, null);
                return;
            }
            ctx.counters.datagramsOut++;
            ctx.counters.datagramBytesOut += sent;
            if (ctx.trace.on()) {
                ctx.trace.line("udp out " + HostPort.of(to) + " " + what + (seal == null ? "" : " (sealed)"));
            }
        } catch (IOException | RuntimeException e) {
            // ICMP port unreachable surfaces here on Linux as PortUnreachableException, among others.
            drop(DropReason.SEND_FAILED, to, e.toString());
        }
    }

    /**
     * A receive error is about one datagram (for example an ICMP error reported late): counted as
     * {@link DropReason#RECEIVE_FAILED}, and the socket is kept (the {@link Handler} contract: if
     * it fails turn after turn, the loop closes it and says so).
     */
    @Override
    public void onFailure(Exception cause) {
        drop(DropReason.RECEIVE_FAILED, null, cause.toString());
    }

    /** Closes the socket. */
    public void close() {
        ctx.closeQuietly(channel, "udp socket");
    }
}
