package p2pnio.control;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import p2pnio.core.Context;
import p2pnio.core.SharedEntry;
import p2pnio.loop.Timers;
import p2pnio.share.SharedFolder;
import p2pnio.wire.ControlCodec;
import p2pnio.wire.ControlMessage;
import p2pnio.wire.DropReason;
import p2pnio.wire.Extension;
import p2pnio.wire.HostPort;
import p2pnio.wire.Names;

/**
 * Browsing what the cluster shares (issue 11): {@code LIST} to the peers that announced the
 * {@code browse} capability, their {@code FILES} answers collected, bounded and merged into one
 * table of files with the peers that hold each; and the answers to the {@code LIST}s of others.
 *
 * <p>Only extended peers whose {@code HELLO} listed {@code browse} are asked: a reference-style
 * peer never sees a {@code LIST}. A browse waits for every part of every answer, at most
 * {@link #WAIT_NANOS}; a peer's answer is bounded to {@link #MAX_PARTS} datagrams and
 * {@link #MAX_FILES_PER_PEER} files (what goes beyond is dropped and counted). A {@code LIST} is
 * answered only to a peer of the cluster, at most once a second per peer, so it cannot be used to
 * turn one small datagram into many towards a stranger. Loop thread only.
 */
public final class Browsing {

    /** Longest a browse waits for the answers. */
    public static final long WAIT_NANOS = 2_000_000_000L;
    /** Most datagrams of one answer, sent or taken: 32 x 2048 bytes, some 1,000 files of usual names. */
    public static final int MAX_PARTS = 32;
    /** Most files taken from one peer's answer. */
    public static final int MAX_FILES_PER_PEER = 4096;
    private static final long ANSWER_INTERVAL_NANOS = 1_000_000_000L;

    /** One answer being collected. */
    private static final class Answer {
        final String peer;
        int parts = -1;
        final BitSet got = new BitSet();
        final List<ControlMessage.Listed> files = new ArrayList<>();

        Answer(String peer) {
            this.peer = peer;
        }

        boolean complete() {
            return parts > 0 && got.cardinality() == parts;
        }
    }

    /** A browse in progress: who was asked, what came, who waits for the result. */
    private final class Round {
        final int seq;
        final Map<InetSocketAddress, Answer> asked = new LinkedHashMap<>();
        final List<Consumer<List<SharedEntry>>> waiting = new ArrayList<>();
        Timers.Timer timer;

        Round(int seq) {
            this.seq = seq;
        }
    }

    private final Context ctx;
    private final Cluster cluster;
    private final Datagrams control;
    private final Discovery discovery;
    private int seq;
    private Round round;
    private final Map<InetSocketAddress, Long> lastAnswered = new HashMap<>();
    private int lastAsked;
    private int lastAnsweredCount;

    public Browsing(Context ctx, Cluster cluster, Datagrams control, Discovery discovery) {
        this.ctx = ctx;
        this.cluster = cluster;
        this.control = control;
        this.discovery = discovery;
    }

    /**
     * Asks every extended peer that can browse what it shares; {@code then} gets the merged table
     * once every answer is complete or {@link #WAIT_NANOS} has passed. A browse asked for while
     * one runs gets that one's table.
     */
    public void browse(Consumer<List<SharedEntry>> then) {
        if (round != null) {
            round.waiting.add(then);
            return;
        }
        Round r = new Round(++seq & Integer.MAX_VALUE);
        r.waiting.add(then);
        byte[] list = ControlCodec.encode(new ControlMessage.ListRequest(r.seq));
        for (Cluster.Peer peer : cluster.peers()) {
            if (peer.extended() && peer.can(Extension.BROWSE) && peer.endpoint() != null
                    && peer.liveness() != Liveness.DOWN) {
                r.asked.put(peer.endpoint(), new Answer(peer.address()));
                control.send(peer.endpoint(), list, "LIST," + r.seq);
            }
        }
        round = r;
        if (r.asked.isEmpty()) {
            finish(r);
            return;
        }
        r.timer = ctx.loop.schedule(WAIT_NANOS, "browse " + r.seq, () -> finish(r));
    }

    /** Peers asked by the last browse that finished, and how many of them answered completely. */
    public int[] lastCounts() {
        return new int[] {lastAsked, lastAnsweredCount};
    }

    /** A {@code LIST} arrived: answer it with what we share, if the sender is a peer and not too eager. */
    public void onList(InetSocketAddress from, ControlMessage.ListRequest list) {
        if (cluster.byEndpoint(from) == null) {
            control.drop(DropReason.LIST_REFUSED, from, "not a peer of the cluster");
            return;
        }
        discovery.showedExtended(from);
        long now = ctx.loop.now();
        Long last = lastAnswered.get(from);
        if (last != null && now - last < ANSWER_INTERVAL_NANOS) {
            control.drop(DropReason.LIST_REFUSED, from, "answered less than a second ago");
            return;
        }
        if (lastAnswered.size() > 4 * ctx.config.maxClusterSize()) {
            lastAnswered.clear();
        }
        lastAnswered.put(from, now);
        List<ControlMessage.Listed> files = new ArrayList<>();
        for (SharedFolder.Entry e : ctx.folder.entries()) {
            if (Names.whyNotRequestable(e.name()) == null) {
                String sha = ctx.folder.digest(e);
                files.add(new ControlMessage.Listed(e.size(), sha == null ? "" : sha, e.name()));
            }
        }
        List<ControlMessage.Listing> parts = ControlCodec.splitListing(list.seq(), files, ctx.config.maxDatagramBytes());
        if (parts.size() > MAX_PARTS) {
            // the first MAX_PARTS parts, each saying how many it sends: the receiver's table is cut, not broken
            List<ControlMessage.Listing> cut = new ArrayList<>();
            for (int i = 0; i < MAX_PARTS; i++) {
                cut.add(new ControlMessage.Listing(list.seq(), i + 1, MAX_PARTS, parts.get(i).files()));
            }
            parts = cut;
        }
        for (ControlMessage.Listing part : parts) {
            control.send(from, part);
        }
    }

    /** A {@code FILES} arrived: one part of an answer to our browse, or dropped. */
    public void onListing(InetSocketAddress from, ControlMessage.Listing listing) {
        Round r = round;
        Answer a = r == null || r.seq != listing.seq() ? null : r.asked.get(from);
        if (a == null || listing.parts() > MAX_PARTS || (a.parts > 0 && a.parts != listing.parts())
                || a.got.get(listing.part())) {
            control.drop(DropReason.FILES_UNSOLICITED, from, null);
            return;
        }
        discovery.showedExtended(from);
        a.parts = listing.parts();
        a.got.set(listing.part());
        for (ControlMessage.Listed f : listing.files()) {
            if (a.files.size() >= MAX_FILES_PER_PEER) {
                control.drop(DropReason.FILES_UNSOLICITED, from, "more than " + MAX_FILES_PER_PEER + " files");
                break;
            }
            a.files.add(f);
        }
        for (Answer other : r.asked.values()) {
            if (!other.complete()) {
                return;
            }
        }
        finish(r);
    }

    private void finish(Round r) {
        if (round != r && !r.asked.isEmpty()) {
            return;
        }
        round = null;
        if (r.timer != null) {
            r.timer.cancel();
        }
        // one row per name and content: the same name with another digest or size is another row
        Map<String, SharedEntry> merged = new TreeMap<>();
        int complete = 0;
        for (Answer a : r.asked.values()) {
            if (a.complete()) {
                complete++;
            }
            for (ControlMessage.Listed f : a.files) {
                String key = f.name() + "\0" + f.size() + "\0" + f.sha256();
                SharedEntry e = merged.get(key);
                List<String> peers = new ArrayList<>(e == null ? List.of() : e.peers());
                if (!peers.contains(a.peer)) {
                    peers.add(a.peer);
                }
                merged.put(key, new SharedEntry(f.name(), f.size(), f.sha256().isEmpty() ? null : f.sha256(), peers));
            }
        }
        lastAsked = r.asked.size();
        lastAnsweredCount = complete;
        List<SharedEntry> table = List.copyOf(merged.values());
        if (ctx.trace.on()) {
            ctx.trace.line("browse " + r.seq + ": " + complete + " of " + r.asked.size() + " peers answered, "
                    + table.size() + " files" + (r.asked.isEmpty() ? "" : " from " + HostPort.of(r.asked.keySet().iterator().next()) + "..."));
        }
        r.waiting.forEach(w -> w.accept(table));
    }
}
