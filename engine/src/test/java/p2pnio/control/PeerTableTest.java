package p2pnio.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import p2pnio.NodeConfig;
import p2pnio.Parts;
import p2pnio.core.Context;
import p2pnio.loop.EventLoop;
import org.junit.jupiter.api.Test;

/**
 * The cluster list's small map ({@link PeerTable}) against the {@code LinkedHashMap} it replaced,
 * and the sorting of peers a round chooses among ({@link Cluster#gossiping()}, others, suspects)
 * against a walk of the whole list, through random adds, recognitions, changes of liveness and
 * removals.
 */
class PeerTableTest {

    private static String address(int i) {
        return "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255) + ":1378";
    }

    @Test
    void behavesAsAnInsertionOrderedMap() {
        Random random = new Random(7);
        PeerTable table = new PeerTable();
        Map<String, Cluster.Peer> model = new LinkedHashMap<>();
        for (int step = 0; step < 200_000; step++) {
            String a = address(random.nextInt(3_000));
            Cluster.Peer known = model.get(a);
            assertThat(table.get(a)).isSameAs(known);
            if (known == null) {
                Cluster.Peer p = new Cluster.Peer(a, "x");
                table.put(p);
                model.put(a, p);
            } else if (random.nextInt(3) > 0) {
                table.remove(known);
                model.remove(a);
            }
            assertThat(table.size()).isEqualTo(model.size());
            if (step % 5_000 == 0) {
                assertThat(new ArrayList<>(table)).containsExactlyElementsOf(model.values());
            }
        }
        assertThat(new ArrayList<>(table)).containsExactlyElementsOf(model.values());
        for (int i = 0; i < 3_000; i++) {
            assertThat(table.containsKey(address(i))).isEqualTo(model.containsKey(address(i)));
        }
    }

    @Test
    void aRoundsChoicesMatchAWalkOfTheList() throws Exception {
        NodeConfig config = NodeConfig.builder().host("10.0.0.1").port(1378).folder(Files.createTempDirectory("p2p-table"))
                .maxClusterSize(5_000).build();
        EventLoop loop = new EventLoop(1024, () -> 0L);
        Context ctx = new Context(loop, Parts.settings(config), null, null, Parts.events(e -> { }), null);
        Cluster cluster = new Cluster(ctx, Runnable::run, new InetSocketAddress("10.0.0.1", 1378), new LocalAddresses(List.of()));
        Random random = new Random(11);
        for (int step = 0; step < 20_000; step++) {
            String a = address(2 + random.nextInt(400));
            Cluster.Peer p = cluster.byAddress(a);
            int what = random.nextInt(6);
            if (p == null) {
                cluster.add(a, random.nextInt(10) == 0 ? Cluster.CONFIGURED : "10.0.0.2:1378");
            } else if (what == 0) {
                cluster.recognise(p, "p2pnio/1", Long.toHexString(1 + random.nextInt(3)),
                        random.nextInt(5) == 0 ? List.of() : List.of("members"));
            } else if (what == 1 && p.liveness() != Liveness.DOWN) {
                cluster.moveTo(p, Liveness.SUSPECT, 0);
            } else if (what == 2 && p.configured() && p.liveness() != Liveness.DOWN) {
                cluster.moveTo(p, Liveness.DOWN, 0);
            } else if (what == 3) {
                cluster.moveTo(p, Liveness.ALIVE, 0);
            } else if (what == 4 && !p.configured() && p.liveness() != Liveness.DOWN) {
                cluster.moveTo(p, Liveness.REMOVED, 0);
                cluster.forgetTombstone(a);
            }
            List<Cluster.Peer> gossiping = new ArrayList<>();
            List<Cluster.Peer> others = new ArrayList<>();
            List<Cluster.Peer> suspects = new ArrayList<>();
            for (Cluster.Peer q : cluster.peers()) {
                (q.gossips() && q.liveness() != Liveness.DOWN ? gossiping : others).add(q);
                if (q.gossips() && q.liveness() == Liveness.SUSPECT) {
                    suspects.add(q);
                }
                assertThat(cluster.isGossiping(q)).isEqualTo(gossiping.contains(q));
            }
            assertThat(cluster.gossiping()).containsExactlyInAnyOrderElementsOf(gossiping);
            assertThat(cluster.others()).containsExactlyInAnyOrderElementsOf(others);
            assertThat(cluster.suspects()).containsExactlyInAnyOrderElementsOf(suspects);
        }
    }
}
