#!/bin/bash
cd /work/wt/turns4; ulimit -n $(ulimit -Hn); mkdir -p /tmp/t4-topo
for r in 1 2; do
  log=/tmp/t4-topo/r$r.log; { date -u; uptime; free -g | sed -n 2p; } > $log
  java -cp bench/target/benchmarks.jar p2pnio.bench.Suite quick /tmp/t4-topo/r$r.json LoopTurns >> $log 2>&1
  { date -u; uptime; } >> $log
done
