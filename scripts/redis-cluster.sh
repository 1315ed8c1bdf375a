#!/usr/bin/env bash
# A throwaway three-node Redis Cluster for the RedisStore tests: 127.0.0.1 ports 7000-7002,
# no replicas, no persistence, everything under one temp dir.
#
#   bash scripts/redis-cluster.sh start    # idempotent: "already running" is success
#   bash scripts/redis-cluster.sh status   # exit 0 when cluster_state:ok on every node
#   bash scripts/redis-cluster.sh stop     # shuts the nodes down and removes the temp dir
#
# Env: TESSERA_REDIS_CLUSTER_DIR (default /tmp/tessera-redis-cluster), TESSERA_REDIS_CLUSTER_PORTS
# (default "7000 7001 7002"; the tests use the default, scripts/test.mjs's own test another). Needs redis-server and
# redis-cli (Valkey's binaries work too when installed under those names).
set -euo pipefail

DIR="${TESSERA_REDIS_CLUSTER_DIR:-/tmp/tessera-redis-cluster}"
HOST=127.0.0.1
read -r -a PORTS <<<"${TESSERA_REDIS_CLUSTER_PORTS:-7000 7001 7002}"
# Test files that need the cluster may call `start` at the same moment: serialise on a lock
# outside the dir, because `stop` deletes the dir.
LOCK="${DIR}.lock"

cli() { redis-cli -h "$HOST" -p "$1" "${@:2}" 2>/dev/null; }
answers() { [ "$(cli "$1" ping)" = "PONG" ]; }
cluster_ok() { cli "$1" cluster info | tr -d '\r' | grep -qx 'cluster_state:ok'; }
all_ok() {
  local port
  for port in "${PORTS[@]}"; do cluster_ok "$port" || return 1; done
}

# Waits up to $2 tenths of a second for the check "$1" (a function name) to pass.
wait_for() {
  local i
  for ((i = 0; i < $2; i++)); do
    "$1" && return 0
    sleep 0.1
  done
  return 1
}

start_node() {
  local port=$1
  mkdir -p "$DIR/$port"
  redis-server --port "$port" --bind "$HOST" --daemonize yes \
    --cluster-enabled yes --cluster-config-file "$DIR/$port/nodes.conf" --cluster-node-timeout 5000 \
    --dir "$DIR/$port" --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log" \
    --save '' --appendonly no 9>&-
}

stop_nodes() {
  local port
  for port in "${PORTS[@]}"; do
    answers "$port" && { cli "$port" shutdown nosave >/dev/null || true; }
  done
  for port in "${PORTS[@]}"; do
    local i
    for ((i = 0; i < 50; i++)); do answers "$port" || break; sleep 0.1; done
  done
}

nodes_up() {
  local port
  for port in "${PORTS[@]}"; do answers "$port" || return 1; done
}

# True when no node has a slot yet: a fresh set of nodes that `--cluster create` can join.
all_empty() {
  local port
  for port in "${PORTS[@]}"; do
    cli "$port" cluster info | tr -d '\r' | grep -qx 'cluster_slots_assigned:0' || return 1
  done
}

do_start() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    echo "redis-cluster: redis-server and redis-cli must be installed" >&2
    return 1
  }
  if all_ok; then
    echo "redis-cluster: already running on ports ${PORTS[*]}"
    return 0
  fi
  local port
  for port in "${PORTS[@]}"; do answers "$port" || start_node "$port"; done
  wait_for nodes_up 100 || { echo "redis-cluster: nodes did not come up (logs in $DIR)" >&2; return 1; }
  # Restarted nodes rejoin from their nodes.conf (give them a moment); fresh nodes need joining.
  if all_empty || ! wait_for all_ok 30; then
    if ! all_empty; then
      # Half-built leftovers (e.g. a node's dir was wiped): start over from clean nodes.
      echo "redis-cluster: resetting a broken cluster" >&2
      stop_nodes
      rm -rf "$DIR"
      for port in "${PORTS[@]}"; do start_node "$port"; done
      wait_for nodes_up 100 || { echo "redis-cluster: nodes did not come up (logs in $DIR)" >&2; return 1; }
    fi
    local addrs=()
    for port in "${PORTS[@]}"; do addrs+=("$HOST:$port"); done
    redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 || {
      cat "$DIR/create.log" >&2
      return 1
    }
  fi
  wait_for all_ok 300 || { echo "redis-cluster: cluster_state did not become ok" >&2; return 1; }
  echo "redis-cluster: running on ports ${PORTS[*]} (dir $DIR)"
}

do_stop() {
  stop_nodes
  rm -rf "$DIR"
  echo "redis-cluster: stopped"
}

do_status() {
  local port ok=0
  for port in "${PORTS[@]}"; do
    if ! answers "$port"; then
      echo "$HOST:$port down"
      ok=1
    elif cluster_ok "$port"; then
      echo "$HOST:$port cluster_state:ok"
    else
      echo "$HOST:$port up, cluster not ok"
      ok=1
    fi
  done
  return "$ok"
}

case "${1:-}" in
  start | stop)
    exec 9>"$LOCK"
    flock -w 120 9 || { echo "redis-cluster: could not take $LOCK" >&2; exit 1; }
    "do_$1"
    ;;
  status) do_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
