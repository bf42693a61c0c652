#!/usr/bin/env bash
# The fair loop, before and after, in one session (what `make bench-fairness` runs).
#
#   bench/tools/fairness.sh BEFORE ROUNDS OUT
#
# Builds the benchmarks of commit BEFORE (the node as it was before the send round) in a
# temporary folder, next to those of this tree (bench/target/benchmarks.jar, built first by the
# make target), then runs the many-downloads benchmark at CLIENTS (default 1000) clients in ROUNDS
# interleaved rounds: in each, our node before, our node after, and the blocking server, in an
# order that alternates from round to round, so that a slow or fast phase of a shared machine
# falls on all three alike. One JMH JSON file per run goes to OUT as
# <build>-<contender>-r<round>.json, with run.properties saying what made them; the report
# (`make bench-report`) turns them into the "A fair loop" section of BENCHMARKS.md.
set -euo pipefail

before=${1:?usage: fairness.sh BEFORE ROUNDS OUT}
rounds=${2:?usage: fairness.sh BEFORE ROUNDS OUT}
out=${3:?usage: fairness.sh BEFORE ROUNDS OUT}
clients=${CLIENTS:-1000}
mvn=${MVN:-mvn -B -ntp}
root=$(git rev-parse --show-toplevel)
after=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- engine bench || echo "+changes")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building the benchmarks of $before in $work"
mkdir -p "$work/before-src"
git -C "$root" archive "$(git -C "$root" rev-parse --short "$before")" | tar -x -C "$work/before-src"
(cd "$work/before-src" && $mvn -q -DskipTests package -pl bench -am)
cp "$work/before-src/bench/target/benchmarks.jar" "$work/before.jar"
cp "$root/bench/target/benchmarks.jar" "$work/after.jar"

rm -rf "$out"
mkdir -p "$out"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

run() { # build contender round
    echo "round $3: $1 $2"
    local log="$work/$1-$2-r$3.log"
    for attempt in $(seq 1 60); do
        if java -jar "$work/$1.jar" ManyDownloads -p contender="$2" -p clients="$clients" \
            -prof p2pnio.bench.support.Gauges -wi 1 -w 2s -i 3 -r 2s -f 1 \
            -rf json -rff "$out/$1-$2-r$3.json" > "$log" 2>&1; then
            return 0
        fi
        # Another JMH run on this machine (JMH's /tmp/jmh.lock): wait for it rather than measure beside it.
        grep -q "Unable to acquire the JMH lock" "$log" || { cat "$log"; exit 1; }
        echo "  another JMH run holds the lock; waiting (attempt $attempt)"
        sleep 20
    done
    echo "gave up waiting for the JMH lock"; exit 1
}
for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then
        run before node "$r"; run after node "$r"; run after blocking "$r"
    else
        run after blocking "$r"; run after node "$r"; run before node "$r"
    fi
done
cat > "$out/run.properties" <<PROPS
before=$(git -C "$root" rev-parse --short "$before")
after=$after
rounds=$rounds
clients=$clients
date=$(date -u '+%Y-%m-%d %H:%M UTC')
command=make bench-fairness BEFORE=$before ROUNDS=$rounds
PROPS
echo "results in $out"
