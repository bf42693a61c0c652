package p2pnio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A turn of a node's loop whose work took longer than the threshold (10 ms unless the recording
 * says otherwise): the span on the loop thread is the turn's work, and it says what ran in it.
 */
@Name("p2pnio.LoopTurn")
@Label("Long Loop Turn")
@Category({"p2p-nio", "Loop"})
@Description("A turn of a node's loop whose work (handlers, tasks, timers) took longer than the threshold")
@Threshold("10 ms")
@StackTrace(false)
public final class LoopTurnEvent extends Event {
    @Label("Node")
    public String node;
    @Label("Turn")
    public long turn;
    @Label("Keys Ready")
    public int keys;
    @Label("Handlers")
    public int handlers;
    @Label("Tasks")
    public int tasks;
    @Label("Timers")
    public int timers;
    @Label("What Ran")
    @Description("The handlers, tasks and timers of the turn by name, in order")
    public String whatRan;
}
