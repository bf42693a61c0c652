# p2p-nio: the two commands a newcomer needs are `make run` and `make test`.
# Everything here needs only Java 17 and Maven 3.8 (the demo installs tmux if it can).

MVN      ?= mvn -B -ntp
JAR      := cli/target/p2p.jar
FOLDER   ?= ./shared

.PHONY: build test run clean serve demo demo-stop demo-check bench bench-quick bench-report fuzz soak faults ci-extra

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

## clean: remove build output
clean:
	$(MVN) -q clean

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

## bench-report: BENCHMARKS.md and docs/bench/results.svg from the JSON results already there
bench-report:
	java -cp $(BENCH_JAR) p2pnio.bench.report.Report --out BENCHMARKS.md --svg docs/bench/results.svg \
	  --notes docs/bench/analysis.md --command "make bench-quick" \
	  --run "quick run (make bench-quick)=bench/results/quick.json" \
	  --run "full-size run (make bench)=bench/results/full.json"

