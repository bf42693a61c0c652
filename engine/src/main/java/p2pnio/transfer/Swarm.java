package p2pnio.transfer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import p2pnio.core.Context;
import p2pnio.secure.Fingerprint;
import p2pnio.share.Digests;
import p2pnio.share.PartialFile;
import p2pnio.wire.HostPort;
import p2pnio.wire.Range;

/**
 * One download from several sources at once (issue #12): a file of known size and SHA-256 cut
 * into pieces, each fetched by a {@link RangeFetch} from one source and written at its offset into
 * one partial file, all on the loop.
 *
 * <pre>
 * OPENING --partial file made--> FETCHING --every piece in--> VERIFYING --SHA-256 matches--> FINISHING --in place--> DONE
 *                                VERIFYING --mismatch--> RECHECKING --one source re-sent the others' pieces--> VERIFYING
 *      any phase but FINISHING --no source left, no honest source, cancel, shutdown--> FAILED
 * </pre>
 *
 * <ul>
 *   <li>FETCHING: each source has at most one fetch at a time; when it ends, the source takes the
 *       next piece nobody has (so a fast source takes more). A fetch that fails (refused, reset,
 *       stalled past the idle timeout, a wrong answer) drops its source, and its piece goes back
 *       to the others; a first {@code REFUSED,missing} (the source announced the file, but its
 *       index had not rescanned yet) only sets the source aside for {@link #SECOND_CHANCE}, a
 *       timer, after which it takes pieces again (a second refusal drops it). End game: when no piece is left untaken, a free source asks for a piece
 *       another source is still fetching; the first to finish wins, the other is cancelled.</li>
 *   <li>VERIFYING: the part's SHA-256 is computed on the file thread and compared with the
 *       digest the sources announced.</li>
 *   <li>RECHECKING (a mismatch: someone lied): one source, the one that sent most, re-sends every
 *       piece someone else sent; each fetch hashes its piece, so every piece now has one digest
 *       per source that sent it. If the file then verifies, that source told the truth, and every
 *       source whose digest of a piece differs from its own sent wrong bytes: it is named in a
 *       warning and dropped. If not, that source lied too; the next one is tried, until none is
 *       left (the download fails, naming the suspects).</li>
 * </ul>
 * Loop thread only, but for the digest and the file work its phases hand to the file thread.
 */
final class Swarm {

    /** The phases of a multi-source download. */
    enum Phase { OPENING, FETCHING, VERIFYING, RECHECKING, FINISHING, DONE, FAILED }

    /** Every legal move; {@link #moveTo} enforces it and docs/state-machines.md draws it. */
    static final Transitions<Phase> TRANSITIONS = Transitions.startingAt(Phase.OPENING)
            .allow(Phase.OPENING, Phase.FETCHING, Phase.FAILED)
            .allow(Phase.FETCHING, Phase.VERIFYING, Phase.FAILED)
            .allow(Phase.VERIFYING, Phase.FINISHING, Phase.RECHECKING, Phase.FAILED)
            .allow(Phase.RECHECKING, Phase.VERIFYING, Phase.FAILED)
            .allow(Phase.FINISHING, Phase.DONE, Phase.FAILED);

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    /**
     * How long a source that answered {@code REFUSED,missing} is left alone before it is asked
     * once more: it announced the file, so its index most likely had not rescanned yet (a
     * node rescans at most once a second). One second chance per source; a second refusal drops it.
     */
    static final java.time.Duration SECOND_CHANCE = java.time.Duration.ofSeconds(2);

    /** A source's transfer endpoint and, in secure mode, the certificate it must present (null in plain mode). */
    record Pinned(InetSocketAddress server, Fingerprint pin) { }

    /** One peer's transfer endpoint offering the file. */
    static final class Source {
        final InetSocketAddress server;
        /** Secure mode: the certificate its sealed datagrams announced, which its TLS server must present; null in plain mode. */
        final Fingerprint pin;
        final String peer;
        /** Its one running fetch, or null. */
        RangeFetch fetch;
        /** Body bytes received from it. */
        long bytes;
        /** Why it is asked no more, or null. */
        String dropped;
        /** True once it served as the reference of a recheck. */
        boolean tried;
        /** True once it had its second chance after a {@code REFUSED,missing}. */
        boolean secondChance;
        /** The timer of that second chance while it runs, or null. */
        p2pnio.loop.Timers.Timer waiting;

        Source(InetSocketAddress server, Fingerprint pin) {
            this.server = server;
            this.pin = pin;
            this.peer = HostPort.of(server);
        }
    }

    private final Context ctx;
    private final Transfers transfers;
    private final String name;
    private final long size;
    private final String sha256;
    private final long pieceBytes;
    private final List<Source> sources = new ArrayList<>();
    private final int pieces;
    private final boolean[] done;
    private final int[] fetching;
    /** Whose bytes are in the part now, per piece. */
    private final Source[] holder;
    /** Each piece's SHA-256 as each source sent it (hex). */
    private final List<Map<Source, String>> digests = new ArrayList<>();
    private final long started;
    private Phase phase;
    private PartialFile partial;
    private FileChannel out;
    private int piecesDone;
    private long bytesIn;
    private long lastProgressEvent;
    /** The source re-sending the others' pieces, while RECHECKING. */
    private Source reference;
    private final Deque<Integer> recheck = new ArrayDeque<>();
    /** Why the download failed, until reported (after its partial file is gone or kept). */
    private String failure;
    /** The reason of the failure, kept for a partial file that comes back from the file thread after it. */
    private String lastFailure;
    /** True when no source's bytes verify: such a partial file is never kept. */
    private boolean wrongBytes;

    Swarm(Context ctx, Transfers transfers, String name, long size, String sha256, List<Pinned> servers,
          long pieceBytes) {
        this.ctx = ctx;
        this.transfers = transfers;
        this.name = name;
        this.size = size;
        this.sha256 = sha256;
        this.pieceBytes = pieceBytes;
        servers.forEach(s -> sources.add(new Source(s.server(), s.pin())));
        this.pieces = (int) Math.max(1, (size + pieceBytes - 1) / pieceBytes);
        this.done = new boolean[pieces];
        this.fetching = new int[pieces];
        this.holder = new Source[pieces];
        for (int i = 0; i < pieces; i++) {
            digests.add(new HashMap<>());
        }
        this.started = ctx.loop.now();
    }

    String name() {
        return name;
    }

    long size() {
        return size;
    }

    String sha256() {
        return sha256;
    }

    /**
     * One more source (a late answer with the same size and SHA-256): it takes pieces at once
     * (or, while the swarm waits to start, when it starts).
     * False once the pieces are all in (or the download is over), or if it is a source already
     * (the same endpoint pinned to the same certificate).
     */
    boolean join(Pinned joining) {
        if ((phase != null && phase != Phase.OPENING && phase != Phase.FETCHING) || sources.stream().anyMatch(s ->
                s.server.equals(joining.server()) && java.util.Objects.equals(s.pin, joining.pin()))) {
            return false;
        }
        Source s = new Source(joining.server(), joining.pin());
        sources.add(s);
        if (ctx.trace.on()) {
            ctx.trace.line("swarm " + name + " " + s.peer + " joins as source " + sources.size());
        }
        if (phase == Phase.FETCHING) {
            assign(s);
        }
        return true;
    }

    private void moveTo(Phase next, String detail) {
        TRANSITIONS.check(phase, next);
        if (ctx.trace.on()) {
            ctx.trace.line("swarm " + name + " " + (phase == null ? "NEW" : phase) + " -> " + next
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        phase = next;
    }

    /** Makes the partial file (file thread), then starts one fetch per source. */
    void start() {
        moveTo(Phase.OPENING, sources.size() + " sources, " + pieces + " pieces");
        Path root = ctx.folder.root();
        String label = sources.size() + " sources";
        ctx.files.submit("resume or create a partial file for '" + name + "'", () -> {
            PartialFile kept = PartialFile.resume(root, name, size, label, sha256, pieceBytes);
            if (kept != null) {
                return kept;
            }
            PartialFile made = new PartialFile(root, name, size, label, sha256, pieceBytes);
            try {
                made.create();
            } catch (IOException e) {
                made.discard();
                throw e;
            }
            return made;
        }, this::opened);
    }

    private void opened(PartialFile made, IOException failed) {
        if (phase != Phase.OPENING) {
            if (made != null) { // failed meanwhile (a cancel, a shutdown), already reported: keep or delete it
                partial = made;
                settle(lastFailure, false);
            }
            return;
        }
        if (failed != null) {
            fail(failed.getMessage());
            return;
        }
        partial = made;
        out = made.channel();
        BitSet kept = made.done();
        for (int i = kept.nextSetBit(0); i >= 0 && i < pieces; i = kept.nextSetBit(i + 1)) {
            done[i] = true;
            piecesDone++;
            bytesIn += Math.min(pieceBytes, size - i * pieceBytes);
        }
        moveTo(Phase.FETCHING, made.partName() + (piecesDone > 0 ? ", resumed with " + piecesDone + " pieces" : ""));
        ctx.events.downloadStarted(name, sourcesLabel(), size, sources.size());
        if (piecesDone > 0) {
            ctx.events.downloadProgress(name, bytesIn, size, 0);
        }
        if (size == 0 || piecesDone == pieces) {
            verify();
            return;
        }
        for (Source s : sources) {
            assign(s);
        }
    }

    /** Gives {@code s} its next piece, if it is free and there is one for it. */
    private void assign(Source s) {
        if (s.dropped != null || s.fetch != null) {
            return;
        }
        int piece = -1;
        if (phase == Phase.FETCHING) {
            piece = untaken();
            if (piece < 0) {
                piece = endGame(s);
            }
        } else if (phase == Phase.RECHECKING && s == reference && !recheck.isEmpty()) {
            piece = recheck.poll();
        }
        if (piece >= 0) {
            fetch(s, piece);
        }
    }

    private int untaken() {
        for (int i = 0; i < pieces; i++) {
            if (!done[i] && fetching[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** End game: the unfinished piece with the fewest bytes in, that only another source is fetching. */
    private int endGame(Source s) {
        int best = -1;
        long least = Long.MAX_VALUE;
        for (Source other : sources) {
            RangeFetch f = other.fetch;
            if (other != s && f != null && fetching[f.piece] == 1 && f.received() < least) {
                best = f.piece;
                least = f.received();
            }
        }
        return best;
    }

    private void fetch(Source s, int piece) {
        long offset = piece * pieceBytes;
        Range range = new Range(offset, Math.min(pieceBytes, size - offset));
        RangeFetch f = new RangeFetch(ctx, transfers, this, s, piece, range, out, transfers.nextId());
        s.fetch = f;
        fetching[piece]++;
        try {
            f.start(transfers.client(s.pin, s.server));
        } catch (IOException | RuntimeException e) {
            f.fail("cannot connect to " + s.peer + ": " + e);
        }
    }

    /** Body bytes arrived from {@code s}. */
    void received(Source s, int n) {
        s.bytes += n;
        bytesIn += n;
        long now = ctx.loop.now();
        if (now - lastProgressEvent >= PROGRESS_EVERY_NANOS && phase == Phase.FETCHING) {
            lastProgressEvent = now;
            ctx.events.downloadProgress(name, Math.min(bytesIn, size), size, now - started);
        }
    }

    /** {@code f} has its whole piece, whose SHA-256 is {@code digest}. */
    void fetched(RangeFetch f, byte[] digest) {
        Source s = f.source;
        int p = f.piece;
        s.fetch = null;
        fetching[p]--;
        digests.get(p).put(s, HexFormat.of().formatHex(digest));
        if (phase == Phase.RECHECKING) {
            holder[p] = s;
        } else if (!done[p]) {
            done[p] = true;
            holder[p] = s;
            piecesDone++;
            checkpoint();
            for (Source other : sources) {
                if (other.fetch != null && other.fetch.piece == p) {
                    RangeFetch loser = other.fetch;
                    other.fetch = null;
                    fetching[p]--;
                    if (loser.received() > 0) {
                        holder[p] = null; // both wrote there: the bytes are no one source's (a recheck re-fetches them)
                    }
                    loser.cancel("end game: " + s.peer + " sent bytes " + p * pieceBytes + " first");
                    assign(other);
                }
            }
        }
        if (phase == Phase.FETCHING && piecesDone == pieces) {
            verify();
        } else if (phase == Phase.RECHECKING && recheck.isEmpty() && reference.fetch == null
                && s == reference) {
            verify();
        } else {
            assign(s);
        }
    }

    /** Records the pieces done in the partial file's record, after forcing their bytes (file thread). */
    private void checkpoint() {
        checkpoint(ctx, partial, name, doneBits());
    }

    /**
     * Records {@code pieces} as done in {@code p}'s record, after forcing their bytes, on the file
     * thread: what a failure or a crash keeps for a resume (a download from several sources, or
     * one {@link Download} from one).
     */
    static void checkpoint(Context ctx, PartialFile p, String name, BitSet pieces) {
        ctx.files.submit("record the pieces of '" + name + "'", () -> {
            p.checkpoint(pieces);
            return null;
        }, (nothing, failed) -> {
            if (failed != null) {
                ctx.quiet("'" + name + "': cannot record its pieces (a resume would fetch them again)", failed);
            }
        });
    }

    private BitSet doneBits() {
        BitSet b = new BitSet(pieces);
        for (int i = 0; i < pieces; i++) {
            if (done[i]) {
                b.set(i);
            }
        }
        return b;
    }

    /**
     * {@code f} failed: its source is dropped, and its piece goes to the others; but a first
     * {@code REFUSED,missing} only sets it aside for {@link #SECOND_CHANCE}.
     */
    void fetchFailed(RangeFetch f, String reason) {
        Source s = f.source;
        s.fetch = null;
        fetching[f.piece]--;
        if (f.refusal() == Range.Refusal.MISSING && !s.secondChance && phase == Phase.FETCHING) {
            secondChance(s, reason);
        } else {
            drop(s, reason);
        }
        if (phase == Phase.RECHECKING) {
            if (s == reference) {
                recheckNext("the source re-sending the pieces failed: " + reason);
            }
            return;
        }
        if (phase != Phase.FETCHING) {
            return;
        }
        for (Source other : sources) {
            assign(other);
        }
        failIfNoSourceLeft(s, reason);
    }

    private void failIfNoSourceLeft(Source last, String reason) {
        if (sources.stream().noneMatch(o -> o.fetch != null || o.waiting != null)) {
            fail("no source left (" + missing() + " of " + size + " bytes missing); last: " + last.peer + ": " + reason);
        }
    }

    /** Asks {@code s} again after {@link #SECOND_CHANCE} (a timer on the loop: nothing waits meanwhile). */
    private void secondChance(Source s, String reason) {
        s.secondChance = true;
        ctx.events.warning("'" + name + "': " + s.peer + " " + reason + " (its index may not have rescanned yet);"
                + " asking it again in " + SECOND_CHANCE.toSeconds() + " s");
        s.waiting = ctx.loop.timers().at(ctx.loop.now() + SECOND_CHANCE.toNanos(), "second chance " + s.peer + " for "
                + name, () -> {
                    s.waiting = null;
                    if (phase == Phase.FETCHING) {
                        assign(s);
                        failIfNoSourceLeft(s, reason);
                    }
                });
    }

    private void drop(Source s, String reason) {
        if (s.dropped == null) {
            s.dropped = reason;
            ctx.events.warning("'" + name + "': no more pieces from " + s.peer + ": " + reason);
        }
    }

    private long missing() {
        long m = 0;
        for (int i = 0; i < pieces; i++) {
            if (!done[i]) {
                m += Math.min(pieceBytes, size - i * pieceBytes);
            }
        }
        return m;
    }

    /** Every piece is in: the whole part's SHA-256, on the file thread. */
    private void verify() {
        moveTo(Phase.VERIFYING, null);
        Path part = ctx.folder.root().resolve(partial.partName());
        ctx.files.submit("SHA-256 of '" + name + "'", () -> {
            try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                return digestOf(in, size);
            }
        }, this::verified);
    }

    private void verified(String actual, IOException failed) {
        if (phase != Phase.VERIFYING) {
            return;
        }
        if (failed != null) {
            fail("cannot read back the partial file: " + failed.getMessage());
            return;
        }
        if (!actual.equals(sha256)) {
            if (reference != null) {
                reference.dropped = "its bytes do not verify either";
            }
            recheckNext("SHA-256 " + actual + ", announced " + sha256);
            return;
        }
        if (reference != null) {
            nameLiars();
        }
        moveTo(Phase.FINISHING, null);
        out = null;
        ctx.files.submit("put '" + name + "' in place", partial::publish, this::published);
    }

    /**
     * The next honest-looking source re-sends every piece whose bytes in the part are someone
     * else's. Fails when there is none.
     */
    private void recheckNext(String why) {
        Source next = null;
        long most = -1;
        for (Source s : sources) {
            if (s.dropped == null && !s.tried && s.bytes > most) {
                next = s;
                most = s.bytes;
            }
        }
        if (next == null) {
            wrongBytes = true;
            fail("'" + name + "' does not match its SHA-256 (" + why + "), and no source is left that sends bytes"
                    + " that do: " + suspects());
            return;
        }
        reference = next;
        next.tried = true;
        recheck.clear();
        for (int i = 0; i < pieces; i++) {
            if (holder[i] != next) {
                recheck.add(i);
            }
        }
        if (phase != Phase.RECHECKING) {
            moveTo(Phase.RECHECKING, why + "; " + next.peer + " re-sends " + recheck.size() + " pieces");
        }
        ctx.events.warning("'" + name + "' does not match its SHA-256: asking " + next.peer + " again for the "
                + recheck.size() + " pieces others sent, to find who sent wrong bytes");
        if (recheck.isEmpty()) {
            next.dropped = "every piece was its own, and they do not verify";
            recheckNext(why);
        } else {
            for (Source s : sources) {
                if (s.fetch != null) { // a loser of the end game still running: not needed now
                    RangeFetch f = s.fetch;
                    s.fetch = null;
                    fetching[f.piece]--;
                    f.cancel("rechecking");
                }
            }
            assign(next);
        }
    }

    /** The file verified with the reference's bytes: whoever sent a piece that differs from them lied. */
    private void nameLiars() {
        Map<String, List<Long>> wrong = new TreeMap<>();
        for (int i = 0; i < pieces; i++) {
            String truth = digests.get(i).get(holder[i]);
            for (Map.Entry<Source, String> e : digests.get(i).entrySet()) {
                if (!e.getValue().equals(truth)) {
                    wrong.computeIfAbsent(e.getKey().peer, k -> new ArrayList<>()).add(i * pieceBytes);
                    drop(e.getKey(), "sent wrong bytes");
                }
            }
        }
        wrong.forEach((peer, offsets) -> {
            ctx.events.warning("'" + name + "': " + peer + " sent wrong bytes for " + offsets.size()
                    + " piece(s) (at offsets " + offsets + "); the file verified with " + reference.peer + "'s bytes");
        });
    }

    private String suspects() {
        StringBuilder b = new StringBuilder();
        for (Source s : sources) {
            b.append(b.length() == 0 ? "" : "; ").append(s.peer).append(s.dropped == null ? "" : " (" + s.dropped + ")");
        }
        return b.toString();
    }

    private void published(Path target, IOException failed) {
        if (failed != null) {
            failNow("could not put '" + name + "' in place: " + failed.getMessage());
            return;
        }
        if (partial.leftover() != null) {
            ctx.events.warning("'" + name + "' is in place, but " + partial + " could not be cleaned up: "
                    + partial.leftover().getMessage());
        } else {
            partial = null;
        }
        moveTo(Phase.DONE, target.getFileName().toString());
        transfers.swarmEnded(this);
        ctx.counters.downloadsDone++;
        ctx.folder.added(target.getFileName().toString(), target, size);
        ctx.events.downloadFinished(name, sourcesLabel(), size, ctx.loop.now() - started, target, sha256,
                null);
    }

    /** Fails the download and deletes its partial file; in FINISHING only the file thread can. */
    void fail(String reason) {
        if (phase == Phase.DONE || phase == Phase.FAILED || phase == Phase.FINISHING) {
            return;
        }
        failNow(reason);
    }

    private void failNow(String reason) {
        moveTo(Phase.FAILED, reason);
        lastFailure = reason;
        for (Source s : sources) {
            if (s.waiting != null) {
                s.waiting.cancel();
                s.waiting = null;
            }
            if (s.fetch != null) {
                RangeFetch f = s.fetch;
                s.fetch = null;
                fetching[f.piece]--;
                f.cancel(reason);
            }
        }
        out = null;
        transfers.swarmEnded(this);
        if (partial == null) {
            failure = reason;
            reportFailure(); // nothing made yet, or it comes back from the file thread later (opened)
            return;
        }
        settle(reason, true);
    }

    /**
     * Keeps the partial file for a resume (it has a digest, at least one piece is done, and the
     * failure is no cancel and no wrong bytes), else deletes it; then reports the failure (at shutdown at once: the node
     * reports itself stopped only once the file thread is done).
     */
    private void settle(String reason, boolean report) {
        PartialFile p = partial;
        partial = null;
        BitSet snapshot = doneBits();
        int have = snapshot.cardinality();
        // no piece done, nothing to resume: a kept record would only promise what asking again does anyway
        boolean keep = p.resumable() && have > 0 && !wrongBytes && !reason.equals("cancelled");
        failure = !report ? null : keep ? reason + " (" + have + " of " + pieces + " pieces kept: asking for '"
                + name + "' again resumes, cancel deletes them)" : reason;
        if (ctx.loop.isStopping()) {
            reportFailure();
        }
        ctx.files.submit((keep ? "keep " : "delete ") + p, () -> {
            if (keep) {
                p.keep(snapshot);
            } else {
                p.discard();
            }
            return null;
        }, (nothing, failed) -> {
            if (failed != null) {
                ctx.events.warning("could not " + (keep ? "keep" : "delete") + " the partial file of '" + name + "': "
                        + failed.getMessage());
            }
            reportFailure();
        });
    }

    private void reportFailure() {
        if (failure != null) {
            String reason = failure;
            failure = null;
            ctx.counters.downloadsFailed++;
            ctx.events.downloadFailed(name, reason);
        }
    }

    /** Who it comes from: the one source's endpoint, as a download from one peer names it, or how many. */
    private String sourcesLabel() {
        return sources.size() == 1 ? sources.get(0).peer : sources.size() + " sources";
    }

    /**
     * One line for {@code transfers}: the sum, then each source with its bytes and mean rate
     * since the download started.
     */
    Transfers.Snapshot info() {
        long elapsed = ctx.loop.now() - started;
        StringBuilder peers = new StringBuilder();
        int active = 0;
        for (Source s : sources) {
            if (s.dropped == null) {
                active++;
            }
            peers.append(peers.length() == 0 ? "" : ", ").append(s.peer).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.1f MiB/s",
                            elapsed <= 0 ? 0.0 : s.bytes / (elapsed / 1e9) / (1 << 20)))
                    .append(s.dropped == null ? "" : " (dropped)");
        }
        return new Transfers.Snapshot("download", name, active + "/" + sources.size() + " sources: " + peers,
                Math.min(bytesIn, size), size, phase.name(), elapsed);
    }

    /** The SHA-256 of the first {@code size} bytes of {@code file}, in hex. File thread. */
    static String digestOf(FileChannel file, long size) throws IOException {
        try {
            return Digests.sha256(file, size);
        } catch (IOException e) {
            throw new IOException("the partial file: " + e.getMessage(), e);
        }
    }
}
