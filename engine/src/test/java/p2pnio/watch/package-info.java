/**
 * Watching who touches a node's channels and files: {@link p2pnio.watch.WatchedSelectorProvider}
 * wraps every channel and selector of a JVM started with it, {@link p2pnio.watch.WatchedFileSystem}
 * every file operation on paths under a folder given to a node, and {@link p2pnio.watch.Watch} keeps
 * each call with its thread. Used by {@code LoopOwnsItsChannelsTest}, in a JVM of its own.
 */
package p2pnio.watch;
