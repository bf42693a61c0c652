#!/usr/bin/env bash
# The three-node demo: `demo.sh files` makes the large files, `demo.sh start` starts the nodes
# (side by side in tmux when it is installed, else in the background with logs), `demo.sh stop`
# ends them. Run it from the repository's root (the Makefile does).
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=cli/target/p2p.jar
SESSION=p2p-demo
BIG_MIB=${BIG_MIB:-256}
# node N listens on PORTS[N-1] and is seeded with one other node only (a ring), so that
# discovery has to do the rest. A short period and delay keep the demo lively.
PORTS=(1378 1379 1380)
SEEDS=(1379 1380 1378)
NODE_OPTS="--period 5 --delay 2"
# SECURE=1 (make demo SECURE=1): a secure cluster. One secret made by `p2p keygen` in demo/run,
# each node's identity (key and certificate) made on its first start beside it.
SECURE=${SECURE:-}
SECRET=demo/run/cluster.secret

secure_opts() { # $1 = node number ("get" for the one-shot example)
  if [ -n "$SECURE" ] && [ "$SECURE" != 0 ]; then
    echo "--secret $SECRET --identity demo/run/identity-$1.pem"
  fi
}

secret() {
  if [ -n "$SECURE" ] && [ "$SECURE" != 0 ] && [ ! -f "$SECRET" ]; then
    mkdir -p demo/run
    java -jar "$JAR" keygen "$SECRET"
  fi
}

files() {
  for n in 1 2 3; do
    big=demo/node$n/big-node$n.bin
    if [ ! -f "$big" ]; then
      echo "making $big ($BIG_MIB MiB of random bytes, once)"
      head -c $((BIG_MIB * 1024 * 1024)) /dev/urandom > "$big.tmp" && mv "$big.tmp" "$big"
    fi
  done
}

node_cmd() { # $1 = node number, $2 = mode ("" for the shell, "serve")
  local i=$(($1 - 1))
  echo "java -jar $JAR $2 --folder demo/node$1 --port ${PORTS[$i]} --peer 127.0.0.1:${SEEDS[$i]} $NODE_OPTS $(secure_opts "node$1")"
}

pane_cmd() { # the shell of node $1, and a pause when it ends so that its last words stay readable
  echo "$(node_cmd "$1" '') ; echo '(node $1 ended: press Enter to close this pane)'; read _"
}

start() {
  files
  mkdir -p demo/run demo/logs
  secret
  if command -v tmux >/dev/null 2>&1; then
    if tmux has-session -t "$SESSION" 2>/dev/null; then
      echo "the demo is already running: tmux attach -t $SESSION (make demo-stop ends it)"
    else
      tmux new-session -d -s "$SESSION" -x 240 -y 50 -n demo "$(pane_cmd 1)"
      tmux split-window -h -t "$SESSION:demo" "$(pane_cmd 2)"
      tmux split-window -h -t "$SESSION:demo" "$(pane_cmd 3)"
      tmux select-layout -t "$SESSION:demo" even-horizontal
      tmux set-option -t "$SESSION" mouse on >/dev/null
      echo "three nodes on 127.0.0.1:1378, :1379 and :1380, side by side in tmux session '$SESSION'"
      echo "try in any pane: list   files   get hello-from-node2.txt big-node3.bin   transfers   stats"
      echo "switch panes with Ctrl-b then an arrow key (or the mouse); make demo-stop ends the demo"
    fi
    if [ -t 0 ] && [ -t 1 ] && [ -z "${TMUX:-}" ]; then
      exec tmux attach -t "$SESSION"
    elif [ -n "${TMUX:-}" ]; then
      echo "you are inside tmux already: tmux switch-client -t $SESSION"
    else
      echo "attach with: tmux attach -t $SESSION"
    fi
  else
    echo "tmux is not installed: starting three headless nodes in the background instead"
    for n in 1 2 3; do
      # shellcheck disable=SC2046
      nohup $(node_cmd $n serve) > demo/logs/node$n.log 2>&1 &
      echo $! > demo/run/node$n.pid
    done
    echo "logs in demo/logs/node1..3.log; fetch from them with, for example:"
    echo "  java -jar $JAR get hello-from-node2.txt --folder demo/node1 --port 0 --peer 127.0.0.1:1378 $(secure_opts get)"
  fi
}

stop() {
  if command -v tmux >/dev/null 2>&1 && tmux has-session -t "$SESSION" 2>/dev/null; then
    # quit each shell cleanly first, so partial downloads are removed, then end the session
    for pane in $(tmux list-panes -t "$SESSION:demo" -F '#{pane_id}'); do
      tmux send-keys -t "$pane" C-u "quit" Enter
    done
    for _ in $(seq 50); do tmux has-session -t "$SESSION" 2>/dev/null || break; sleep 0.1; done
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    echo "demo stopped"
  fi
  for pidfile in demo/run/node*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    echo "stopped $(basename "$pidfile" .pid)"
  done
}

case "${1:-}" in
  files) files ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: demo/demo.sh files|start|stop" >&2; exit 2 ;;
esac
