package p2pnio.cli.shell;

import java.util.Set;
import p2pnio.NodeEvent;
import p2pnio.NodeListener;
import p2pnio.cli.Text;

/**
 * Turns the node's events into shell output: one line per event worth telling, the progress of
 * the shell's downloads, and the names Tab completion offers. Runs on the node's event thread.
 */
final class ShellListener implements NodeListener {

    private final Output out;
    private final Downloads downloads;
    private final Set<String> names;

    ShellListener(Output out, Downloads downloads, Set<String> names) {
        this.out = out;
        this.downloads = downloads;
        this.names = names;
    }

    @Override
    public void onEvent(NodeEvent event) {
        if (event instanceof NodeEvent.UploadFinished e) {
            names.add(e.name());
        } else if (event instanceof NodeEvent.UploadFailed e && e.name() != null) {
            names.add(e.name());
        }
        downloads.on(event);
        String line = Text.event(event);
        if (line != null && !(event instanceof NodeEvent.Ready)) {
            out.print(line);
        }
    }
}
