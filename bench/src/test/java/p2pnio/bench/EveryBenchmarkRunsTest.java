package p2pnio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/**
 * Not a measurement: runs every benchmark method once, in this JVM, on tiny inputs (the
 * {@code smoke} profile of {@link Suite}), so that a benchmark broken by a change of the engine
 * or of a baseline fails {@code make test}.
 */
class EveryBenchmarkRunsTest {

    @Test
    void everyBenchmarkMethodRunsOnceOnTinyInputs() throws Exception {
        // JMH takes /tmp/jmh.lock so that two measurements never share a machine; this run measures
        // nothing, and must not fail because a real benchmark runs beside it (CI, a developer).
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = Suite.run("smoke", ".");

        Set<String> ran = new TreeSet<>();
        results.forEach(r -> ran.add(r.getParams().getBenchmark()));
        Set<String> declared = new TreeSet<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().getAll(null, java.util.List.of())) {
            declared.add(e.getUsername());
        }
        assertThat(declared).isNotEmpty();
        assertThat(ran).containsExactlyInAnyOrderElementsOf(declared);
    }
}
