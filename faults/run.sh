#!/usr/bin/env bash
# The fault drill across real hosts (network namespaces): 20% UDP loss, TCP loss, SIGKILL of a serving node
# mid-transfer, a restart, a datagram burst. Needs root, iproute2 and nftables (installed when missing).
# Skips only when namespaces truly cannot be had here, and says so loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
if ! why=$(bash faults/netns.sh check 2>&1); then
    echo "################################################################################"
    echo "## FAULT DRILL SKIPPED: network namespaces are unavailable on this machine:"
    echo "##   $why"
    echo "## Nothing about packet loss, kills or restarts across hosts was tested."
    echo "################################################################################"
    exit 0
fi
$MVN -q -pl engine -am test-compile
trap 'bash faults/netns.sh down' EXIT
bash faults/netns.sh up 4
java -cp engine/target/classes:engine/target/test-classes:testkit/target/classes p2pnio.hostile.FaultDrill "${FAULTS_WORK:-/tmp/p2p-faults}"
