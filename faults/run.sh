#!/usr/bin/env bash
# The fault drill across real hosts (network namespaces): 20% UDP loss, TCP loss, SIGKILL of a serving node
# mid-transfer, a restart, a datagram burst. Needs root, iproute2 and nftables (installed when missing).
# Without network namespaces it fails, loudly: CI (root, namespaces) must never be green without the drill.
# On a machine that cannot have them (no root), FAULTS_ALLOW_SKIP=1 turns the failure into a loud skip.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
if ! why=$(bash faults/netns.sh check 2>&1); then
    echo "################################################################################"
    echo "## FAULT DRILL NOT RUN: network namespaces are unavailable on this machine:"
    echo "##   $why"
    echo "## Nothing about packet loss, kills or restarts across hosts was tested."
    if [ "${FAULTS_ALLOW_SKIP:-0}" = 1 ]; then
        echo "## FAULTS_ALLOW_SKIP=1: exiting 0 as asked."
        echo "################################################################################"
        exit 0
    fi
    echo "## Run it as root where 'ip netns add' works, or set FAULTS_ALLOW_SKIP=1 to skip it."
    echo "################################################################################"
    exit 1
fi
$MVN -q -pl engine -am test-compile
trap 'bash faults/netns.sh down' EXIT
bash faults/netns.sh up 4
java -cp engine/target/classes:engine/target/test-classes:testkit/target/classes p2pnio.hostile.FaultDrill "${FAULTS_WORK:-/tmp/p2p-faults}"
