#!/bin/bash
dir=/tmp/t4-tp; mkdir -p $dir; cd /work/wt/turns4; ulimit -n $(ulimit -Hn)
for r in 1 2 3; do
  for v in "base=" "nice19jit=-XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:CompilerThreadPriority=19"; do
    name=${v%%=*}; flags=${v#*=}; log=$dir/$name-r$r.log
    { date -u; uptime; } > $log
    java -jar bench/target/benchmarks.jar VerifyBenchmark -p contender=while_receiving,unverified -wi 1 -i 3 -w 3s -r 3s \
      -rf json -rff $dir/$name-r$r.json -jvmArgsAppend "-Xms1g -Xmx1g $flags" >> $log 2>&1
    { date -u; uptime; } >> $log
  done
done
