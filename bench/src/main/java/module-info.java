/**
 * The JMH benchmarks of p2p-nio and the baseline servers they compare against.
 *
 * <p>Besides the engine's API it measures four of the engine's internals on purpose, which the
 * engine lets in by name ({@code exports ... to p2pnio.bench}): the wire parsers and codec, the
 * mailbox, the size of the shared read buffer, and secure mode's TLS contexts and identities. Compiling the benchmarks as this module keeps
 * that list checked. benchmarks.jar runs on the class path, as JMH expects (its forks are started
 * with the class path), so this descriptor serves the build only.
 */
@SuppressWarnings("requires-automatic") // JMH 1.37 has no module name: javac derives jmh.core from the jar's name
module p2pnio.bench {
    requires p2pnio.engine;
    requires jmh.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires java.management;
    requires jdk.management;
}
