package p2pnio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A transfer's size became known: an upload's header is going out, or a download's header came in. */
@Name("p2pnio.TransferStarted")
@Label("Transfer Started")
@Category({"p2p-nio", "Transfers"})
@Description("An upload or a download knows its size and starts moving its body")
@StackTrace(false)
public final class TransferStartedEvent extends TransferEvent {
}
