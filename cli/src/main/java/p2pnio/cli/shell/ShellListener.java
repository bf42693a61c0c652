package p2pnio.cli.shell;

import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import p2pnio.NodeEvent;
import p2pnio.NodeListener;
import p2pnio.cli.out.Downloads;
import p2pnio.cli.out.Output;
import p2pnio.cli.out.Text;

/**
 * Turns the node's events into shell output: one line per event worth telling, the progress of
 * the shell's downloads, and the names Tab completion offers. Runs on the node's event thread.
 */
final class ShellListener implements NodeListener {

    private final Output out;
    private final Downloads downloads;
    private final Set<String> names;
    private final CountDownLatch bannerShown = new CountDownLatch(1);

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
        String line = Text.event(event);
        if (line != null && !(event instanceof NodeEvent.Ready)) {
            awaitBanner();
            out.print(line);
        }
        downloads.on(event);
    }

    /** Lets events through once the shell has printed its banner (so that the banner comes first). */
    void open() {
        bannerShown.countDown();
    }

    private void awaitBanner() {
        try {
            bannerShown.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
