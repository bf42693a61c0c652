#!/usr/bin/env bash
# Network namespaces for the fault drill: hosts p2p1..p2pN, each with one veth (eth0, 10.213.0.i/24)
# plugged into a bridge that lives in its own namespace (p2pbr), so the host's own network is untouched
# and no packet can leave the machine.
#   faults/netns.sh check       exit 0 if namespaces, veth, bridges and nftables can be had here
#   faults/netns.sh up [N]      create N hosts (default 4)
#   faults/netns.sh down        remove them
set -euo pipefail
N=${2:-4}
NET=10.213.0

need_tools() {
    if ! command -v ip >/dev/null; then
        apt-get update -qq && apt-get install -y -qq iproute2 >/dev/null
    fi
    if ! command -v nft >/dev/null; then
        echo "faults: installing nftables"
        (apt-get update -qq && apt-get install -y -qq nftables >/dev/null) || return 1
    fi
}

down() {
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^p2p([0-9]+|br|probe[0-9]+)$' || true); do
        ip netns del "$ns" 2>/dev/null || true
    done
}

check() {
    [ "$(id -u)" = 0 ] || { echo "not root"; return 1; }
    need_tools || { echo "nftables cannot be installed"; return 1; }
    local probe=p2pprobe$$
    ip netns add "$probe" 2>/dev/null || { echo "ip netns add failed"; return 1; }
    local ok=0
    ip -n "$probe" link add pa type veth peer name pb 2>/dev/null || ok=1
    ip -n "$probe" link add probebr0 type bridge 2>/dev/null || ok=1
    ip netns exec "$probe" nft add table inet probe 2>/dev/null || ok=1
    ip netns del "$probe"
    [ $ok = 0 ] || echo "veth, bridge or nftables unavailable inside a namespace"
    return $ok
}

up() {
    down
    ip netns add p2pbr
    ip -n p2pbr link add br0 type bridge
    ip -n p2pbr link set br0 up
    for i in $(seq 1 "$N"); do
        ip netns add "p2p$i"
        ip link add "p2pv$i" netns "p2p$i" type veth peer name "p2pb$i" netns p2pbr
        ip -n p2pbr link set "p2pb$i" master br0 up
        ip -n "p2p$i" link set "p2pv$i" name eth0
        ip -n "p2p$i" addr add "$NET.$i/24" dev eth0
        ip -n "p2p$i" link set eth0 up
        ip -n "p2p$i" link set lo up
    done
}

case "${1:-}" in
    check) check ;;
    up) need_tools; up ;;
    down) down ;;
    *) echo "usage: $0 check|up [N]|down" >&2; exit 2 ;;
esac
