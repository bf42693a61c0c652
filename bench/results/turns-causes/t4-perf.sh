#!/bin/bash
cd /work/wt/turns4; ulimit -n $(ulimit -Hn)
{ date -u; uptime; free -g | sed -n 2p; } > /tmp/t4-perf.log
java -jar bench/target/benchmarks.jar LoopTurns -prof p2pnio.bench.support.Gauges >> /tmp/t4-perf.log 2>&1 &
jpid=$!
for i in $(seq 1 60); do pid=$(pgrep -f ForkedMain | head -1); [ -n "$pid" ] && break; sleep 0.5; done
# wait until the warm-up wave has begun (the big file is made first)
for i in $(seq 1 120); do grep -q "Warmup Iteration   1" /tmp/t4-perf.log && break; sleep 0.5; done
perf record -e sched:sched_switch --call-graph fp -o /tmp/t4-perf.data -p $pid -- sleep 12 > /tmp/t4-perf.rec 2>&1
wait $jpid
{ date -u; uptime; } >> /tmp/t4-perf.log
