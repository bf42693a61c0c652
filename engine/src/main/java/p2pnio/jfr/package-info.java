/**
 * The node's own Java Flight Recorder events: long loop turns, transfers started and finished,
 * datagrams dropped. JDK Mission Control and {@code jfr print --categories p2p-nio} show them next
 * to GC and I/O. When no recording runs they cost a static check: JFR is not even initialized.
 */
package p2pnio.jfr;
