package p2pnio.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import p2pnio.NodeConfig;

/**
 * The membership simulation at a small size, in every build: the same code as a node runs, on a
 * simulated clock (docs/membership.md has the full sizes, from {@code make membership}).
 */
class MembershipSimulationTest {

    private static final int N = 64;

    @Test
    void gossipConvergesFastCostsAConstantPerNodeRemovesTheDeadAndNeverTheLiving() throws Exception {
        Simulation.Result r = new Simulation(NodeConfig.Membership.GOSSIP, N, 7).run(true);
        double log2 = Math.log(N) / Math.log(2);
        assertThat(r.convergeRounds()).as("rounds to converge from a chain of seeds").isBetween(1.0, log2 + 3);
        assertThat(r.maxDatagramsPerNodeRound()).as("datagrams a node sends per round").isLessThanOrEqualTo(16);
        assertThat(r.bytesPerNodeRound() / r.datagramsPerNodeRound()).isLessThanOrEqualTo(2048);
        assertThat(r.killRemovedRounds()).as("rounds until a killed node is removed everywhere").isBetween(1.0, 20.0);
        // suspected after 3 missed rounds, removed after a suspicion of at least log2(N)/2 + 1 periods
        assertThat(r.detectRounds()).as("rounds until the first node removes it").isBetween(3.0, 15.0);
        assertThat(r.spreadRounds()).as("rounds from the first removal to the last").isBetween(0.0, log2);
        assertThat(r.falseRemovals()).as("live nodes removed under 20 % loss and 10 % restarts").isZero();
        assertThat(r.wholeAfterChurn()).as("whole again once the loss stops").isTrue();
    }

    @Test
    void aNodesCostDoesNotGrowWithTheClusterUnlikeAllToAll() throws Exception {
        Simulation.Result small = new Simulation(NodeConfig.Membership.GOSSIP, 16, 3).run(false);
        Simulation.Result large = new Simulation(NodeConfig.Membership.GOSSIP, 128, 3).run(false);
        Simulation.Result allSmall = new Simulation(NodeConfig.Membership.ALL_TO_ALL, 16, 3).run(false);
        Simulation.Result allLarge = new Simulation(NodeConfig.Membership.ALL_TO_ALL, 64, 3).run(false);
        assertThat(large.maxDatagramsPerNodeRound()).isLessThanOrEqualTo(16);
        assertThat(large.datagramsPerNodeRound()).isLessThan(small.datagramsPerNodeRound() * 2);
        // once the HELLOs of joining are set apart, a round costs the same at 128 nodes as at 16:
        // fanout PINGs and as many ACKs (no loss here, so no probe is tried again)
        assertThat(large.steadyDatagramsPerNodeRound()).as("steady state at 128 nodes")
                .isCloseTo(small.steadyDatagramsPerNodeRound(), within(0.25));
        assertThat(large.maxSteadyDatagramsPerNodeRound()).isLessThanOrEqualTo(10);
        // all-to-all sends its list to every peer: N - 1 datagrams (and more once the list needs several)
        assertThat(allSmall.datagramsPerNodeRound()).isEqualTo(15.0);
        assertThat(allLarge.datagramsPerNodeRound()).isGreaterThanOrEqualTo(63.0);
        assertThat(allLarge.bytesPerNodeRound()).isGreaterThan(large.bytesPerNodeRound() * 10);
        // docs/membership.md's all-to-all at 1,000 nodes is computed from the code, not run: the
        // computation gives exactly what the runs measure
        for (Simulation.Result run : List.of(allSmall, allLarge)) {
            Simulation.Result computed = Simulation.allToAllConverged(run.nodes());
            assertThat(computed.datagramsPerNodeRound()).as("datagrams at %d", run.nodes()).isEqualTo(run.datagramsPerNodeRound());
            assertThat(computed.bytesPerNodeRound()).as("bytes at %d", run.nodes()).isEqualTo(run.bytesPerNodeRound());
        }
    }

    @Test
    void aNodeCutOffForLessThanTheSuspicionIsSuspectedThenRefutesAndIsNeverRemoved() throws Exception {
        // 5 rounds cut off: its probers miss it 3 rounds in a row and suspect it; healed before the
        // suspicion (at least log2(64)/2 + 1 = 4 periods) runs out, it hears of it and refutes
        long[] seen = new Simulation(NodeConfig.Membership.GOSSIP, N, 5).partition(5, 25);
        assertThat(seen[0]).as("nodes that suspected it").isPositive();
        assertThat(seen[1]).as("nodes that removed it").isZero();
    }

    @Test
    void aMemberThatADigestWronglyClaimsStillComesInADeltaWithinAFewRounds() throws Exception {
        // A Bloom filter claims about 1 % of the members it lacks. Once a node's list stops
        // changing, a digest of the same members at the same length claims the same ones every
        // time: a member a node lacks and its digest claims would never come in a delta (the slow
        // tail at 10,000 nodes, docs/membership.md). At 200 nodes (seed 3) a node is made to forget
        // such a member, after the cluster's news has run out: the digests it sends, each of
        // another length, let the next deltas bring it back.
        double[] r = new Simulation(NodeConfig.Membership.GOSSIP, 200, 3).forgetFalselyClaimed(20, 3);
        assertThat(r).as("a node and a member its digest wrongly claims").isNotNull();
        assertThat(r[0]).as("rounds until the node knows the member again").isBetween(1.0, 3.0);
        assertThat(r[1]).as("brought by a third node (a delta), not by the member itself").isEqualTo(1.0);
    }

    @Test
    void theDigestsOfANodeTakeItsSlicesInTurnEachAtAnotherLength() throws Exception {
        // 3,000 members need 8 slices: with a random slice per PING, one a node lacks waits a
        // geometric time for a digest of its slice (the long tail at 10,000 nodes); in turn, every
        // slice is compared once in 8 PINGs
        List<int[]> digests = new Simulation(NodeConfig.Membership.GOSSIP, 3002, 1).digestsSent(3000, 30);
        List<int[]> split = digests.stream().filter(d -> d[0] == 8).toList();
        assertThat(split).as("PINGs sent with a digest in 8 slices").hasSizeGreaterThanOrEqualTo(16);
        for (int i = 0; i + 8 <= split.size(); i++) {
            assertThat(split.subList(i, i + 8).stream().map(d -> d[1]).distinct().count())
                    .as("slices in the 8 digests from the %d-th", i).isEqualTo(8);
        }
        assertThat(split.stream().map(d -> d[2]).distinct().count()).as("lengths of the filters").isGreaterThan(1);
        // and each slice at another length each time: a member that one length of the filter
        // wrongly claims is not claimed by the next digest of its slice. (With the length moving
        // with the PING's sequence number, in step with the slice, a node of 8 slices described
        // each slice at one length forever: the members it wrongly claimed were the last missing
        // records at 3,000 and 10,000 nodes.)
        for (int slice = 0; slice < 8; slice++) {
            int s = slice;
            List<Integer> extra = split.stream().filter(d -> d[1] == s).map(d -> d[3]).toList();
            assertThat(extra).as("digests of slice %d", s).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < extra.size(); i++) {
                assertThat(extra.get(i)).as("extra bytes of the %d-th digest of slice %d", i, s).isNotEqualTo(extra.get(i - 1));
            }
        }
    }

    @Test
    void aNodeThatKnowsTheClusterFromListsOnlyRemovesNoLiveMember() throws Exception {
        // a restarted node of a large cluster learns most members from plain DISCOVERs: not known
        // as ours, never heard from. Judged by their silence to the few DISCOVERs a round sends
        // (each contacted once in many rounds), a member whose one answer was lost was suspected
        // and removed (the false removals at 3,000 nodes, all by restarted nodes). Left out of our
        // digests, they come back in deltas with their run, and are judged by probes.
        List<String> said = new Simulation(NodeConfig.Membership.GOSSIP, 200, 9).heardOfOnly(20);
        assertThat(said).as("suspicions and removals of live members by the node").isEmpty();
    }

    @Test
    void aSeedNeverHeardFromIsShownDownOnlyAfterTwiceTheMisses() throws Exception {
        // a node that has never heard from its seed judges it on the DISCOVERs it left unanswered;
        // each is a round trip nothing else confirms, 36 % of which fail at 20 % loss each way: 6 in
        // a row (3 to suspect, 3 more to show it down) happened to a restarted node of 1,000 under
        // the churn, so it takes twice that: 6 to suspect it, 6 more to show it down.
        assertThat(new Simulation(NodeConfig.Membership.GOSSIP, 2, 5).seedCutOff(5, 0))
                .as("what A said of a seed silent for 5 rounds").isEmpty();
        assertThat(new Simulation(NodeConfig.Membership.GOSSIP, 2, 5).seedCutOff(10, 0))
                .as("what A said of a seed silent for 10 rounds").containsExactly("10.0.0.0:1378=suspect");
        assertThat(new Simulation(NodeConfig.Membership.GOSSIP, 2, 5).seedCutOff(20, 0))
                .as("what A said of a seed silent for 20 rounds").contains("10.0.0.0:1378=suspect", "10.0.0.0:1378=down");
    }

    @Test
    void aRunIsTheSameEveryTime() throws Exception {
        Simulation.Result a = new Simulation(NodeConfig.Membership.GOSSIP, 32, 11).run(false);
        Simulation.Result b = new Simulation(NodeConfig.Membership.GOSSIP, 32, 11).run(false);
        assertThat(a.json().replaceAll(",\"seconds\":[0-9.]+", ""))
                .isEqualTo(b.json().replaceAll(",\"seconds\":[0-9.]+", ""));
    }
}
