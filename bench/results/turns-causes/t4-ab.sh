#!/bin/bash
# interleaved rounds of LoopTurns, one JVM-flag variant per trial: t4-ab.sh <dir> <rounds> <name=flags>...
dir=$1; rounds=$2; shift 2; mkdir -p $dir
cd /work/wt/turns4; ulimit -n $(ulimit -Hn)
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    name=${v%%=*}; flags=${v#*=}
    log=$dir/$name-r$r.log
    { date -u; uptime; free -g | sed -n 2p; } > $log
    java -jar bench/target/benchmarks.jar LoopTurns -prof p2pnio.bench.support.Gauges -rf json -rff $dir/$name-r$r.json \
      -jvmArgsAppend "-Xms1g -Xmx1g $flags" >> $log 2>&1
    { date -u; uptime; } >> $log
  done
done
