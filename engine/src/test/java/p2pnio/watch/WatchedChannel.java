package p2pnio.watch;

import java.nio.channels.SelectableChannel;

/** A watched channel: the real one it forwards to. */
interface WatchedChannel {
    SelectableChannel real();
}
