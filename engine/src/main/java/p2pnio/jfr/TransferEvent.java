package p2pnio.jfr;

import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;

/** What the transfer events say about their transfer. */
abstract class TransferEvent extends Event {
    @Label("Direction")
    @Description("upload or download")
    public String direction;
    @Label("File")
    public String name;
    @Label("Peer")
    public String peer;
    @Label("Size")
    @DataAmount
    public long size;
}
