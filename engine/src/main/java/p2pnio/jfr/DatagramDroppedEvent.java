package p2pnio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A datagram, or an entry of one, was dropped and counted under its reason. */
@Name("p2pnio.DatagramDropped")
@Label("Datagram Dropped")
@Category({"p2p-nio", "Control"})
@Description("A datagram (or an entry of a DISCOVER) was dropped, counted under its reason")
@StackTrace(false)
public final class DatagramDroppedEvent extends Event {
    @Label("Reason")
    public String reason;
    @Label("From")
    @Description("host:port of the sender, when known")
    public String from;
    @Label("Detail")
    public String detail;
}
