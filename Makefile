# p2p-nio: the two commands a newcomer needs are `make run` and `make test`.
# Everything here needs only Java 17 and Maven 3.8 (the demo installs tmux if it can).

MVN      ?= mvn -B -ntp
JAR      := cli/target/p2p.jar
FOLDER   ?= ./shared

.PHONY: build test run clean serve demo demo-stop demo-check bench bench-quick bench-report bench-fairness fuzz soak faults ci-extra

## build: compile every module and package the runnable jar (cli/target/p2p.jar)
build:
	$(MVN) -q -DskipTests package

$(JAR):
	$(MVN) -q -DskipTests package

## test: every unit, multi-node and end-to-end test of every module
test:
	$(MVN) verify

## run: an interactive node on the defaults (127.0.0.1:1378, folder ./shared)
run: $(JAR)
	@mkdir -p $(FOLDER)
	java -jar $(JAR) --folder $(FOLDER)

## serve: a headless node on the defaults
serve: $(JAR)
	@mkdir -p $(FOLDER)
	java -jar $(JAR) serve --folder $(FOLDER)

## demo: three nodes on 127.0.0.1:1378-1380 sharing demo/node1..3, side by side in tmux
demo: $(JAR)
	@command -v tmux >/dev/null 2>&1 || { echo "installing tmux"; \
	  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq tmux) >/dev/null 2>&1 || \
	  echo "could not install tmux: the nodes will run in the background"; }
	@demo/demo.sh start

## demo-stop: end the demo's nodes
demo-stop:
	@demo/demo.sh stop

## demo-check: the demo's walkthrough without a person (three nodes fetch each other's files, digests checked)
demo-check: $(JAR)
	@demo/demo.sh files
	java demo/src/main/java/p2pnio/demo/DemoCheck.java $(JAR) demo

## clean: remove build output
clean:
	$(MVN) -q clean

## fuzz: bounded coverage-guided fuzzing of every parser with Jazzer (FUZZ_TIME per target, default 100s)
fuzz:
	MVN="$(MVN)" FUZZ_TIME="$(or $(FUZZ_TIME),100s)" bash faults/fuzz.sh

## faults: four nodes as real processes in network namespaces; nftables packet loss, SIGKILL, restart, burst (root)
faults:
	MVN="$(MVN)" bash faults/run.sh

## soak: three nodes, thousands of random downloads, cancels and kills for SOAK_SECONDS (default 150)
soak:
	$(MVN) -q -pl engine test-compile
	java -Xmx512m -cp engine/target/classes:engine/target/test-classes p2pnio.hostile.Soak $(or $(SOAK_SECONDS),150) /tmp/p2p-soak

## ci-extra: the bounded checks CI runs after `make test`: faults, fuzz, soak
ci-extra: faults fuzz soak
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

## bench-fairness: many downloads at 1,000 clients, our node before the send round (BEFORE) and after, and blocking, in ROUNDS interleaved rounds
bench-fairness:
	$(MVN) -q -DskipTests package -pl bench -am
	MVN="$(MVN)" bash bench/tools/fairness.sh $(or $(BEFORE),b25f8bd) $(or $(ROUNDS),5) bench/results/fairness
	$(MAKE) --no-print-directory bench-report

## bench-report: BENCHMARKS.md and docs/bench/results.svg from the JSON results already there
bench-report:
	java -cp $(BENCH_JAR) p2pnio.bench.report.Report --out BENCHMARKS.md --svg docs/bench/results.svg \
	  --notes docs/bench/analysis.md --command "make bench-quick" \
	  --run "quick run (make bench-quick)=bench/results/quick.json" \
	  --run "full-size run (make bench)=bench/results/full.json" \
	  --fairness bench/results/fairness

