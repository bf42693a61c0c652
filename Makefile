# p2p-nio: the two commands a newcomer needs are `make run` and `make test`.
# Everything here needs only Java 17 and Maven 3.8 (the demo installs tmux if it can).

MVN      ?= mvn -B -ntp
JAR      := cli/target/p2p.jar
TESTKIT  := testkit/target/classes
MAN      := cli/target/man/p2p.1
FOLDER   ?= ./shared
PREFIX   ?= $(HOME)/.local
# The JVM options of a node that make run and make serve start: its background threads (file, hash, verify,
# folder listing) at nice 19 and the JIT's compiler threads too, below its loop, so that a loop turn does not wait
# for a CPU behind them (README, "Loop turns and thread priorities"). HotSpot applies thread priorities only with
# ThreadPriorityPolicy=1, and warns on stdout at every start when not root: so only as root by default.
PRIORITIES := -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 -XX:CompilerThreadPriority=19
NODE_JVM ?= $(if $(filter 0,$(shell id -u)),$(PRIORITIES),)

.PHONY: build test run clean serve install uninstall demo demo-stop demo-check bench bench-quick bench-turns bench-verify bench-verify-lan bench-tls bench-tls-1cpu bench-report bench-fairness bench-multisource fuzz soak faults large ci-extra membership membership-10000 membership-report

## build: compile every module and package the runnable jar (cli/target/p2p.jar)
build:
	$(MVN) -q -DskipTests package

$(JAR) $(MAN):
	$(MVN) -q -DskipTests package

$(TESTKIT):
	$(MVN) -q -pl testkit compile

## test: every unit, multi-node and end-to-end test of every module
test:
	$(MVN) verify

## run: an interactive node on the defaults (127.0.0.1:1378, folder ./shared)
run: $(JAR)
	@mkdir -p $(FOLDER)
	java $(NODE_JVM) -jar $(JAR) --folder $(FOLDER)

## serve: a headless node on the defaults
serve: $(JAR)
	@mkdir -p $(FOLDER)
	java $(NODE_JVM) -jar $(JAR) serve --folder $(FOLDER)

## install: a `p2p` command in $(PREFIX)/bin (PREFIX defaults to ~/.local), with its man pages and bash completion
install: $(JAR) $(MAN)
	@P='$(abspath $(PREFIX))'; set -e; \
	  mkdir -p "$$P/bin" "$$P/share/p2p" "$$P/share/man/man1" "$$P/share/bash-completion/completions"; \
	  cp $(JAR) "$$P/share/p2p/p2p.jar"; \
	  printf '#!/bin/sh\n# p2p-nio (make install): the p2p.jar command line\nexec "$${JAVA_HOME:+$$JAVA_HOME/bin/}java" -jar "%s" "$$@"\n' \
	    "$$P/share/p2p/p2p.jar" > "$$P/bin/p2p"; \
	  chmod 755 "$$P/bin/p2p"; \
	  "$$P/bin/p2p" completion bash > "$$P/share/bash-completion/completions/p2p"; \
	  echo "$$P/bin/p2p" > "$$P/share/p2p/installed-files"; \
	  echo "$$P/share/p2p/p2p.jar" >> "$$P/share/p2p/installed-files"; \
	  echo "$$P/share/bash-completion/completions/p2p" >> "$$P/share/p2p/installed-files"; \
	  for page in cli/target/man/*.1; do \
	    cp "$$page" "$$P/share/man/man1/"; echo "$$P/share/man/man1/$${page##*/}" >> "$$P/share/p2p/installed-files"; \
	  done; \
	  echo "installed $$P/bin/p2p ($$("$$P/bin/p2p" --version | head -1)), its man pages and bash completion"; \
	  case ":$$PATH:" in *":$$P/bin:"*) ;; *) echo "$$P/bin is not on your PATH: add  export PATH=\"$$P/bin:\$$PATH\"  to your shell's profile";; esac

## uninstall: remove what `make install` put in $(PREFIX)
uninstall:
	@P='$(abspath $(PREFIX))'; list="$$P/share/p2p/installed-files"; \
	  if [ ! -f "$$list" ]; then echo "nothing of p2p-nio is installed in $$P"; exit 0; fi; \
	  while IFS= read -r f; do rm -f "$$f"; done < "$$list"; \
	  rm -f "$$list"; rmdir "$$P/share/p2p" 2>/dev/null || true; \
	  echo "removed p2p-nio from $$P"

## demo: three nodes on 127.0.0.1:1378-1380 sharing demo/node1..3, side by side in tmux (SECURE=1: a secure cluster)
demo: $(JAR)
	@command -v tmux >/dev/null 2>&1 || { echo "installing tmux"; \
	  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq tmux) >/dev/null 2>&1 || \
	  echo "could not install tmux: the nodes will run in the background"; }
	@SECURE="$(SECURE)" demo/demo.sh start

## demo-stop: end the demo's nodes
demo-stop:
	@demo/demo.sh stop

## demo-check: the demo's walkthrough without a person (three nodes fetch each other's files, digests checked)
demo-check: $(JAR) $(TESTKIT)
	@demo/demo.sh files
	java -cp $(TESTKIT) demo/src/main/java/p2pnio/demo/DemoCheck.java $(JAR) demo

## clean: remove build output
clean:
	$(MVN) -q clean

## fuzz: bounded coverage-guided fuzzing of every parser with Jazzer (FUZZ_TIME per target, default 60s: eight targets keep all of CI within 30 minutes)
fuzz:
	MVN="$(MVN)" FUZZ_TIME="$(or $(FUZZ_TIME),60s)" bash faults/fuzz.sh

## faults: four nodes as real processes in network namespaces; nftables packet loss, SIGKILL, restart, burst (root)
faults:
	MVN="$(MVN)" bash faults/run.sh

## soak: three nodes, thousands of random downloads, cancels and kills for SOAK_SECONDS (default 150)
soak:
	$(MVN) -q -pl engine -am test-compile
	java -Xmx512m -cp engine/target/classes:engine/target/test-classes:$(TESTKIT) p2pnio.hostile.Soak $(or $(SOAK_SECONDS),150) /tmp/p2p-soak

## large: the tests too heavy for every build (tagged "large": a 3 GiB file crosses intact)
large:
	$(MVN) -q -pl engine -am test -Dgroups=large -Dtest.excludedGroups=watched -Dwatched.skip=true

## membership: the membership measurements behind docs/membership.md: the simulation (real Cluster and
## Discovery code on a simulated clock) at 100, 300, 1,000 and 3,000 nodes, all-to-all beside it at 100 and 300
## (run) and 100, 300, 1,000 (computed from the code: exact, see docs/membership.md), then real nodes in
## one JVM on loopback (10, 100, 300) and a node with a full 1,024-peer list; ~1 h on 2 shared cores.
## The harnesses are engine test code (p2pnio.sim builds the parts by hand): they run on the class path.
MEMBERSHIP_CP := engine/target/classes:engine/target/test-classes
membership:
	$(MVN) -q -pl engine -am test-compile
	rm -f /tmp/p2p-membership.jsonl
	java -Xmx6g -Dsim.progress=true -cp $(MEMBERSHIP_CP) p2pnio.sim.Simulation gossip:100 gossip:300 gossip:1000 all-to-all:100 all-to-all:300 \
	  all-to-all:100:computed all-to-all:300:computed all-to-all:1000:computed >> /tmp/p2p-membership.jsonl
	# 3,000 nodes: where the problems of 10,000 first show (docs/membership.md, "At 3,000 nodes"); about 10 minutes
	java -Xmx4g -XX:+UseParallelGC -Dsim.progress=true -cp $(MEMBERSHIP_CP) p2pnio.sim.Simulation gossip:3000 >> /tmp/p2p-membership.jsonl
	# the cost again 60 rounds after converging, when most pairs of nodes have met (see "Cost" in docs/membership.md)
	java -Xmx6g -Dsim.progress=true -Dsim.settle=60 -cp $(MEMBERSHIP_CP) p2pnio.sim.Simulation gossip:1000:cost >> /tmp/p2p-membership.jsonl
	for n in 10 100 300; do java -cp $(MEMBERSHIP_CP) p2pnio.sim.RealNodes cluster gossip $$n 1000 >> /tmp/p2p-membership.jsonl; done
	# all-to-all stops at 100 real nodes: at 300 its loops fall behind their period and it does not converge
	for n in 10 100; do java -cp $(MEMBERSHIP_CP) p2pnio.sim.RealNodes cluster all-to-all $$n 1000 >> /tmp/p2p-membership.jsonl; done
	for m in all-to-all gossip; do java -cp $(MEMBERSHIP_CP) p2pnio.sim.RealNodes full-list $$m >> /tmp/p2p-membership.jsonl; done
	mv /tmp/p2p-membership.jsonl docs/membership-results.jsonl
	$(MAKE) --no-print-directory membership-report

## membership-10000: the simulation at 10,000 nodes alone (10^8 peer records: about 10.7 GB of heap, run in 14 GB;
## convergence, then the scenarios on the converged cluster: about an hour of CPU, see docs/membership.md); its row
## replaces any earlier 10,000-node row of docs/membership-results.jsonl. The progress lines (wall clock, CPU, heap
## and load average, then each figure as it is measured) go to the terminal and to /tmp/p2p-membership-10000.log.
membership-10000:
	$(MVN) -q -pl engine -am test-compile
	nice -n 19 java -Xms14g -Xmx14g -Xmn1g -XX:+UseParallelGC -Dsim.progress=true -Dsim.heap=true -cp $(MEMBERSHIP_CP) \
	  p2pnio.sim.Simulation gossip:10000 2>&1 > /tmp/p2p-membership-10000.jsonl | tee /tmp/p2p-membership-10000.log
	test -s /tmp/p2p-membership-10000.jsonl
	grep -v '"nodes":10000,' docs/membership-results.jsonl > /tmp/p2p-membership.jsonl || true
	cat /tmp/p2p-membership-10000.jsonl >> /tmp/p2p-membership.jsonl
	mv /tmp/p2p-membership.jsonl docs/membership-results.jsonl
	$(MAKE) --no-print-directory membership-report

## membership-report: docs/membership.md's table and docs/membership.svg from docs/membership-results.jsonl
membership-report:
	java -cp $(MEMBERSHIP_CP) p2pnio.sim.MembershipReport docs/membership-results.jsonl docs/membership.md docs/membership.svg

## ci-extra: the bounded checks CI runs after `make test`: faults, fuzz, soak, large
ci-extra: faults fuzz soak large
# ---- benchmarks (bench/, JMH) -------------------------------------------------------------
BENCH_JAR := bench/target/benchmarks.jar
ONLY      ?= .
# Benchmark 5 holds 10,000 connections (the client side in a second process): raise the soft
# file-descriptor limit to the hard one for both processes (the JVM also raises its own).
BENCH_RUN := ulimit -n $$(ulimit -Hn) 2>/dev/null; java -cp $(BENCH_JAR) p2pnio.bench.Suite

## bench: the full JMH suite (1 GiB file, 1 MiB files, 10,000 held connections), then BENCHMARKS.md
bench:
	$(MVN) -q -DskipTests package -pl bench -am
	$(BENCH_RUN) full bench/results/full.json '$(ONLY)'
	$(MAKE) --no-print-directory bench-report

## bench-quick: the same benchmarks and contenders, smaller and shorter (under 5 minutes on 2 cores)
bench-quick:
	$(MVN) -q -DskipTests package -pl bench -am
	$(BENCH_RUN) quick bench/results/quick.json '$(ONLY)'
	$(MAKE) --no-print-directory bench-report

## bench-turns: benchmark 7 alone (the loop's turns under one 1 GiB and 100 small downloads), then BENCHMARKS.md
bench-turns:
	$(MVN) -q -DskipTests package -pl bench -am
	$(BENCH_RUN) quick bench/results/turns.json LoopTurns
	$(MAKE) --no-print-directory bench-report

## bench-tls-1cpu: benchmark 9 with the server and the client on one CPU (taskset -c 1): the rate is then set by
## the CPU each server spends per GiB beside the same client, not by whichever end waits on the other, then BENCHMARKS.md
bench-tls-1cpu:
	$(MVN) -q -DskipTests package -pl bench -am
	ulimit -n $$(ulimit -Hn) 2>/dev/null; taskset -c 1 java -cp $(BENCH_JAR) p2pnio.bench.Suite tls bench/results/tls-1cpu.json 'TlsBenchmark'
	$(MAKE) --no-print-directory bench-report

## bench-verify-lan: benchmark 8 over a shaped link instead of bare loopback (root: a network namespace whose
## loopback is limited by tc tbf to RATE, 1gbit unless told; RATE=2500mbit writes verify-lan-2500mbit.json, which
## the report leaves out), then BENCHMARKS.md (its 1gbit section)
RATE ?= 1gbit
bench-verify-lan:
	$(MVN) -q -DskipTests package -pl bench -am
	ip netns del p2p-lan 2>/dev/null || true
	ip netns add p2p-lan
	ip netns exec p2p-lan ip link set lo up
	ip netns exec p2p-lan tc qdisc add dev lo root tbf rate $(RATE) burst 256kb latency 50ms
	ip netns exec p2p-lan sh -c "ulimit -n \$$(ulimit -Hn) 2>/dev/null; java -cp $(BENCH_JAR) p2pnio.bench.Suite verify bench/results/verify-lan-$(RATE).json VerifyBenchmark"; \
	  s=$$?; ip netns del p2p-lan; exit $$s
	$(MAKE) --no-print-directory bench-report

## bench-verify: benchmark 8 alone (verified vs unverified 1 GiB node-to-node downloads, 5 interleaved rounds), then BENCHMARKS.md
bench-verify:
	$(MVN) -q -DskipTests package -pl bench -am
	$(BENCH_RUN) verify bench/results/verify.json VerifyBenchmark
	$(MAKE) --no-print-directory bench-report

## bench-tls: benchmark 9 alone (the SSLEngine ceiling, then 1 GiB over TLS from our node and from Netty's SslHandler, and plain from our node, 5 interleaved rounds of 5 warm-up and 3 measured downloads), then BENCHMARKS.md
bench-tls:
	$(MVN) -q -DskipTests package -pl bench -am
	$(BENCH_RUN) tls bench/results/tls.json 'Tls'
	$(MAKE) --no-print-directory bench-report

## bench-fairness: many downloads at 1,000 clients, our node before the send round (BEFORE) and after, and blocking, in ROUNDS interleaved rounds
bench-fairness:
	$(MVN) -q -DskipTests package -pl bench -am
	MVN="$(MVN)" bash bench/tools/fairness.sh $(or $(BEFORE),b25f8bd) $(or $(ROUNDS),5) bench/results/fairness
	$(MAKE) --no-print-directory bench-report

## bench-multisource: one 300 MiB file from 1 and from 3 nodes each limited to 20 MiB/s (and 3 with one stopped halfway), ROUNDS rounds
bench-multisource:
	$(MVN) -q -DskipTests package -pl bench -am
	java -cp $(BENCH_JAR) p2pnio.bench.MultiSource --out bench/results/multisource.properties \
	  --size $(or $(SIZE),300M) --rate $(or $(RATE),20M) --rounds $(or $(ROUNDS),1)
	$(MAKE) --no-print-directory bench-report

## bench-report: BENCHMARKS.md and docs/bench/results.svg from the JSON results already there
bench-report:
	java -cp $(BENCH_JAR) p2pnio.bench.report.Report --out BENCHMARKS.md --svg docs/bench/results.svg \
	  --notes docs/bench/analysis.md --command "make bench-quick" \
	  --run "quick run (make bench-quick)=bench/results/quick.json" \
	  --run "full-size run (make bench)=bench/results/full.json" \
	  --run "loop turns alone (make bench-turns)=bench/results/turns.json" \
	  --run "verified downloads alone (make bench-verify)=bench/results/verify.json" \
	  --run "TLS alone (make bench-tls)=bench/results/tls.json" \
	  --run "TLS on one CPU (make bench-tls-1cpu)=bench/results/tls-1cpu.json" \
	  --run "verified downloads over a 1 Gbit/s link (make bench-verify-lan)=bench/results/verify-lan-1gbit.json" \
	  --fairness bench/results/fairness --multisource bench/results/multisource.properties

