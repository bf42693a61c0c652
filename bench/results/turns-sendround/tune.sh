#!/bin/bash
# Interleaved rounds: the loop-turns wave under several send rounds, and the node-to-node 1 GiB throughput.
ulimit -n $(ulimit -Hn) 2>/dev/null
J="java -Djava.io.tmpdir=/tmp/k3/tmp -cp /tmp/k3/benchmarks.jar org.openjdk.jmh.Main"
OUT=/tmp/k3/tune
uptime > $OUT/uptime.txt
for round in 1 2; do
  for cfg in 1024/4096 1024/1024 512/512 256/512; do
    c=${cfg%/*}; b=${cfg#*/}
    $J 'p2pnio.bench.LoopTurnsBenchmark.wave' -p sendChunkKiB=$c -p sendBudgetKiB=$b -wi 1 -i 3 -f 1 \
      -jvmArgsAppend "-Xms1g -Xmx1g -Djava.io.tmpdir=/tmp/k3/tmp" -prof p2pnio.bench.support.Gauges \
      -rf json -rff $OUT/turns-$c-$b-r$round.json > $OUT/turns-$c-$b-r$round.log 2>&1
    uptime >> $OUT/uptime.txt
  done
  for c in 0 512 256; do
    $J 'p2pnio.bench.LargeFileBenchmark.download' -p contender=node_to_node -p sendChunkKiB=$c -wi 1 -w 1s -i 3 -r 3s -f 1 \
      -jvmArgsAppend "-Xms1g -Xmx1g -Djava.io.tmpdir=/tmp/k3/tmp" -prof p2pnio.bench.support.Gauges \
      -rf json -rff $OUT/large-$c-r$round.json > $OUT/large-$c-r$round.log 2>&1
    uptime >> $OUT/uptime.txt
  done
done
rm -rf /tmp/k3/tmp/*
echo done >> $OUT/uptime.txt
