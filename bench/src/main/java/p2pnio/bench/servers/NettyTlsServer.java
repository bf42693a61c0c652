package p2pnio.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
 * The Netty 4.2 server a user might pick instead of our node for TLS: Netty's {@code SslHandler}
 * with the JDK provider ({@code SslProvider.JDK}: a {@link JdkSslContext}) on the NIO transport,
 * one event-loop thread like our node, a {@code LineBasedFrameDecoder} for the request line, the
 * header as a {@code ByteBuf}, the body through a {@link ChunkedWriteHandler} as a
 * {@link ChunkedNioFile} of {@value #CHUNK} bytes (a {@code FileRegion} cannot be encrypted: Netty's
 * own HTTPS file server sends chunks), then {@code close_notify} and close.
 *
 * <p>The {@code SSLContext} is given: the TLS benchmark hands it the one our node makes
 * ({@code Tls.context}: TLS 1.3, a P-256 self-signed certificate, the client's certificate
 * required and pinned), so both servers run the same JSSE engine with the same suite and key.
 */
public final class NettyTlsServer implements FileServer {

    /** Bytes of the file per chunk: our node's TLS upload reads 64 KiB at a time too. */
    static final int CHUNK = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final AtomicInteger connections = new AtomicInteger();

    /** Starts serving {@code folder} on 127.0.0.1 over TLS with {@code tls} (server side, client certificates required). */
    public NettyTlsServer(Path folder, SSLContext tls) {
        FileIndex index = new FileIndex(folder);
        SslContext ssl = new JdkSslContext(tls, false, null, IdentityCipherSuiteFilter.INSTANCE, null,
                ClientAuth.REQUIRE, new String[] {"TLSv1.3"}, false);
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.incrementAndGet();
                            ch.closeFuture().addListener(f -> connections.decrementAndGet());
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new ChunkedWriteHandler(),
                                    new LineBasedFrameDecoder(2048), new Serve(index));
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

    /** Serves one request line: header, file in chunks, close (which sends close_notify first). */
    private static final class Serve extends SimpleChannelInboundHandler<ByteBuf> {
        private final FileIndex index;

        Serve(FileIndex index) {
            this.index = index;
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
            ctx.writeAndFlush(new ChunkedNioFile(FileChannel.open(file), 0, size, CHUNK))
                    .addListener(ChannelFutureListener.CLOSE);
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
