# p2p-nio: the two commands a newcomer needs are `make run` and `make test`.
# Everything here needs only Java 17 and Maven 3.8 (the demo installs tmux if it can).

MVN      ?= mvn -B -ntp
JAR      := cli/target/p2p.jar
FOLDER   ?= ./shared

.PHONY: build test run clean serve demo demo-stop demo-check bench bench-quick fuzz soak faults ci-extra

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
