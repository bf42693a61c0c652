/**
 * Test support shared by every module: {@link p2pnio.testkit.ReferencePeer} (a peer that speaks
 * exactly as the Go reference node does), {@link p2pnio.testkit.TestFiles} (digests, random files,
 * deleting a tree), {@link p2pnio.testkit.Poll} (waiting for a condition with a deadline instead of
 * sleeping) and {@link p2pnio.testkit.OutputLines} (a child process's output, awaited line by line).
 * JDK only.
 */
package p2pnio.testkit;
