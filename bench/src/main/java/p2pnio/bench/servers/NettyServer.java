package p2pnio.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import p2pnio.wire.TransferHeader;

/**
 * The Netty 4.2 server a user might pick instead: a {@code LineBasedFrameDecoder} for the request
 * line, the header as a {@code ByteBuf}, the body as a {@link DefaultFileRegion} (zero-copy:
 * {@code transferTo} on NIO, {@code sendfile} on epoll), then close.
 *
 * <p>Over TLS (the constructor with an {@code SSLContext}): Netty's {@code SslHandler} with the JDK
 * provider ({@code SslProvider.JDK}: a {@link JdkSslContext}) on the NIO transport, client
 * certificates required, and the body through a {@link ChunkedWriteHandler} as a
 * {@link ChunkedNioFile} of {@value #TLS_CHUNK} bytes (a {@code FileRegion} cannot be encrypted:
 * Netty's own HTTPS file server sends chunks), then {@code close_notify} and close. The TLS
 * benchmark hands it the {@code SSLContext} our node makes ({@code Tls.context}: TLS 1.3, a P-256
 * self-signed certificate, the client's certificate pinned), so both run the same JSSE engine with
 * the same suite and key.
 *
 * <p>One event-loop thread serves accept and every connection, the same thread budget as our
 * node, so the comparison is of designs, not of core counts.
 */
public final class NettyServer implements FileServer {

    /** Which Netty transport. */
    public enum Transport { NIO, EPOLL }

    /** Bytes of the file per chunk over TLS: our node's TLS upload reads 256 KiB at a time too. */
    static final int TLS_CHUNK = 256 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicInteger connections = new AtomicInteger();

    /** Starts serving {@code folder} on 127.0.0.1 with the given transport. */
    public NettyServer(Path folder, Transport transport) {
        this(folder, transport, null);
    }

    /** Starts serving {@code folder} on 127.0.0.1 over TLS with {@code tls} (server side, client certificates required), NIO transport. */
    public NettyServer(Path folder, SSLContext tls) {
        this(folder, Transport.NIO, tls);
    }

    private NettyServer(Path folder, Transport transport, SSLContext tls) {
        FileIndex index = new FileIndex(folder);
        SslContext ssl = tls == null ? null : new JdkSslContext(tls, false, null, IdentityCipherSuiteFilter.INSTANCE,
                null, ClientAuth.REQUIRE, new String[] {"TLSv1.3"}, false);
        IoHandlerFactory io;
        Class<? extends ServerChannel> channelType;
        if (transport == Transport.EPOLL) {
            Epoll.ensureAvailability();
            io = EpollIoHandler.newFactory();
            channelType = EpollServerSocketChannel.class;
        } else {
            io = NioIoHandler.newFactory();
            channelType = NioServerSocketChannel.class;
        }
        group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.incrementAndGet();
                            ch.closeFuture().addListener(f -> connections.decrementAndGet());
                            if (ssl != null) {
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ChunkedWriteHandler());
                            }
                            ch.pipeline().addLast(new LineBasedFrameDecoder(2048), new Serve(index, ssl != null));
                        }
                    })
                    .bind(InetAddress.getLoopbackAddress(), 0)
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            group.shutdownGracefully();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding", e);
        }
    }

    /** Serves one request line: header, file region (or chunks, over TLS), close. */
    private static final class Serve extends SimpleChannelInboundHandler<ByteBuf> {
        private final FileIndex index;
        private final boolean chunked;

        Serve(FileIndex index, boolean chunked) {
            this.index = index;
            this.chunked = chunked;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) throws IOException {
            Path file = index.resolve(line.toString(StandardCharsets.UTF_8));
            if (file == null) {
                ctx.close();
                return;
            }
            long size = Files.size(file);
            ByteBuf header = ctx.alloc().buffer(TransferHeader.BYTES);
            header.writeBytes(TransferHeader.encode(size, file.getFileName().toString()));
            ctx.write(header);
            Object body = chunked ? new ChunkedNioFile(FileChannel.open(file), 0, size, TLS_CHUNK)
                    : new DefaultFileRegion(file.toFile(), 0, size);
            ctx.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
