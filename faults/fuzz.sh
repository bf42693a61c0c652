#!/usr/bin/env bash
# Bounded coverage-guided fuzzing with Jazzer: each @FuzzTest target in p2pnio.fuzz runs on its own
# (Jazzer fuzzes one target per JVM) for FUZZ_TIME (default 100s). A crashing input is written by Jazzer
# into engine/src/test/resources/p2pnio/fuzz/<Class>Inputs/<method>/, where every `make test` replays it:
# commit it with the fix. Prints the executions per target and a closing "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
TIME=${FUZZ_TIME:-100s}
TARGETS=(
    "ControlCodecFuzzTest#anyDatagramDecodesToAMessageOrACountedDropReason"
    "ControlCodecFuzzTest#discoverListsSplitIntoValidDatagramsAndLoseNoEntryThatFits"
    "ControlCodecFuzzTest#filesListingsSplitIntoValidDatagramsAndLoseNoFileThatFits"
    "RequestLineParserFuzzTest#anySplitOfAnyLineParsesAsTheWholeDoes"
    "HeaderParserFuzzTest#anySplitOfAnyReplyGivesTheOneShotHeaderOrACleanError"
    "SafeNamesFuzzTest#noRequestedNameIsServedFromOutsideTheFolderOrThroughALink"
)
$MVN -q -pl engine -am test-compile || exit 1
passed=0; failed=0; total=0
for t in "${TARGETS[@]}"; do
    class=${t%%#*}
    log="/tmp/fuzz-${t//#/-}.log"
    start=$(date +%s)
    if JAZZER_FUZZ=1 JAZZER_MAX_DURATION=$TIME $MVN -q -pl engine -am test -Dtest="$t" \
            -Dsurefire.failIfNoSpecifiedTests=false \
            -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1; then
        result=PASS; passed=$((passed + 1))
    else
        result=FAIL; failed=$((failed + 1))
    fi
    out=engine/target/surefire-reports/p2pnio.fuzz.$class-output.txt
    runs=$(grep -ho "Done [0-9]* runs" "$log" 2>/dev/null | tail -1 | awk '{print $2}')
    total=$((total + ${runs:-0}))
    echo "$result $t: ${runs:-?} inputs tried in $(( $(date +%s) - start )) s"
    if [ $result = FAIL ]; then
        grep -h -m1 -A8 "FuzzTestFindingException" "$log" 2>/dev/null
        echo "  (full log: $log and $out; new crashing inputs: git status engine/src/test/resources)"
    fi
done
rm -rf engine/.cifuzz-corpus
echo "fuzzing: $total inputs tried over ${#TARGETS[@]} targets ($TIME each)"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
