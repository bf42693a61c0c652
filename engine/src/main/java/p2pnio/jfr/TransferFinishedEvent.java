package p2pnio.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A transfer connection ended, well or not: its span is the connection's life. */
@Name("p2pnio.TransferFinished")
@Label("Transfer Finished")
@Category({"p2p-nio", "Transfers"})
@Description("An upload or download connection ended; the span is its whole life")
@StackTrace(false)
public final class TransferFinishedEvent extends TransferEvent {
    @Label("Bytes")
    @Description("Body bytes moved")
    @DataAmount
    public long bytes;
    @Label("Outcome")
    @Description("DONE, or FAILED and why")
    public String outcome;
}
