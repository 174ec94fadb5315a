#!/usr/bin/env bash
# Starts a three-node Eddy cluster on this machine against one Kafka:
# the servers share ksql.service.id, so they run the same queries (through
# the command topic) and split their partitions (through consumer groups).
#
#   deploy/local-cluster.sh start [bootstrap]   # default bootstrap: start the first node's embedded broker
#   deploy/local-cluster.sh stop
#
# Node n listens on http://127.0.0.1:808(7+n) and keeps state in ./cluster/node<n>.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./bin/eddy
dir=./cluster
nodes=3

start() {
  [ -x "$bin" ] || make build
  mkdir -p "$dir"
  local bootstrap="${1:-}"
  if [ -z "$bootstrap" ]; then
    # A development broker of its own, so the nodes do not depend on each other.
    "$bin" server --listeners http://127.0.0.1:8087 --state-dir "$dir/broker" >"$dir/broker.log" 2>&1 &
    echo $! >"$dir/broker.pid"
    bootstrap=127.0.0.1:9092
    sleep 2
  fi
  for n in $(seq 1 $nodes); do
    "$bin" server --bootstrap-servers "$bootstrap" --service-id cluster_ \
      --listeners "http://127.0.0.1:$((8087 + n))" --state-dir "$dir/node$n" >"$dir/node$n.log" 2>&1 &
    echo $! >"$dir/node$n.pid"
    echo "node $n: http://127.0.0.1:$((8087 + n)) (log $dir/node$n.log)"
  done
}

stop() {
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: $0 start [bootstrap-servers] | stop" >&2; exit 2 ;;
esac
