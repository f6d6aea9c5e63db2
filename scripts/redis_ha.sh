#!/usr/bin/env bash
# Redis without a single point of failure (issue #26): a master, one replica and three sentinels
# (Debian's redis-sentinel), as the user, with the repository's configuration (deploy/redis/).
# When the master stops answering, the sentinels promote the replica; the cache and Celery's
# broker, configured with REDIS_SENTINELS (casa_map/redis_connections.py), follow. Usage:
#   scripts/redis_ha.sh render      writes the five configurations under $CASA_RUN_DIR
#   scripts/redis_ha.sh run         renders, starts the five, waits; stops them all when stopped
#   scripts/redis_ha.sh sentinels   prints the REDIS_SENTINELS value for these settings
# Settings (environment): CASA_REDIS_HOST (127.0.0.1), CASA_REDIS_MASTER_PORT (6390),
# CASA_REDIS_REPLICA_PORT (6391), CASA_SENTINEL_PORTS ("26390 26391 26392": not
# Redis's and Debian's 6379 and 26379),
# CASA_REDIS_MASTER_NAME (casa-map), CASA_SENTINEL_QUORUM (2), CASA_SENTINEL_DOWN_AFTER_MS (1000),
# CASA_SENTINEL_FAILOVER_TIMEOUT_MS (5000), CASA_RUN_DIR (.run/redis).
#
# Each run starts a fresh set from the templates: the master is the first server again, and the
# replica copies it. Under root (a container, CI) the servers run as root too; they bind loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

export CASA_REDIS_HOST="${CASA_REDIS_HOST:-127.0.0.1}"
export CASA_REDIS_MASTER_PORT="${CASA_REDIS_MASTER_PORT:-6390}"
export CASA_REDIS_REPLICA_PORT="${CASA_REDIS_REPLICA_PORT:-6391}"
export CASA_REDIS_MASTER_NAME="${CASA_REDIS_MASTER_NAME:-casa-map}"
export CASA_SENTINEL_QUORUM="${CASA_SENTINEL_QUORUM:-2}"
export CASA_SENTINEL_DOWN_AFTER_MS="${CASA_SENTINEL_DOWN_AFTER_MS:-1000}"
export CASA_SENTINEL_FAILOVER_TIMEOUT_MS="${CASA_SENTINEL_FAILOVER_TIMEOUT_MS:-5000}"
export CASA_RUN_DIR="${CASA_RUN_DIR:-$root/.run/redis}"
read -r -a sentinel_ports <<< "${CASA_SENTINEL_PORTS:-26390 26391 26392}"

render_server() {  # name port replicaof-line
  export CASA_REDIS_DIR="$CASA_RUN_DIR/$1" CASA_REDIS_PORT="$2" CASA_REDIS_REPLICAOF="$3"
  rm -rf "$CASA_REDIS_DIR" && mkdir -p "$CASA_REDIS_DIR"
  envsubst "$(printf '${%s} ' CASA_REDIS_HOST CASA_REDIS_PORT CASA_REDIS_DIR CASA_REDIS_REPLICAOF)" \
    < "$root/deploy/redis/redis.conf.template" > "$CASA_REDIS_DIR/redis.conf"
}

render() {
  mkdir -p "$CASA_RUN_DIR"
  render_server master "$CASA_REDIS_MASTER_PORT" ""
  render_server replica "$CASA_REDIS_REPLICA_PORT" \
    "replicaof $CASA_REDIS_HOST $CASA_REDIS_MASTER_PORT"
  local number=0
  for port in "${sentinel_ports[@]}"; do
    number=$((number + 1))
    export CASA_SENTINEL_DIR="$CASA_RUN_DIR/sentinel-$number" CASA_SENTINEL_PORT="$port"
    rm -rf "$CASA_SENTINEL_DIR" && mkdir -p "$CASA_SENTINEL_DIR"
    envsubst "$(printf '${%s} ' CASA_REDIS_HOST CASA_REDIS_MASTER_PORT CASA_REDIS_MASTER_NAME \
      CASA_SENTINEL_QUORUM CASA_SENTINEL_DOWN_AFTER_MS CASA_SENTINEL_FAILOVER_TIMEOUT_MS \
      CASA_SENTINEL_DIR CASA_SENTINEL_PORT)" \
      < "$root/deploy/redis/sentinel.conf.template" > "$CASA_SENTINEL_DIR/sentinel.conf"
  done
}

sentinels() {
  local addresses=()
  for port in "${sentinel_ports[@]}"; do addresses+=("$CASA_REDIS_HOST:$port"); done
  (IFS=,; echo "${addresses[*]}")
}

wait_for_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/$CASA_REDIS_HOST/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "redis_ha: nothing answers on $CASA_REDIS_HOST:$1" >&2
  return 1
}

run() {
  render
  local children=()
  trap 'kill "${children[@]}" 2>/dev/null; wait' EXIT
  trap 'exit 0' TERM INT
  redis-server "$CASA_RUN_DIR/master/redis.conf" & children+=($!)
  wait_for_port "$CASA_REDIS_MASTER_PORT"
  redis-server "$CASA_RUN_DIR/replica/redis.conf" & children+=($!)
  for directory in "$CASA_RUN_DIR"/sentinel-*; do
    redis-sentinel "$directory/sentinel.conf" & children+=($!)
  done
  for port in "$CASA_REDIS_REPLICA_PORT" "${sentinel_ports[@]}"; do wait_for_port "$port"; done
  # A server may stop and come back (that is the point): the set ends when this script is
  # stopped, not when one of its servers does.
  wait
}

case "${1:-run}" in
  render) render ;;
  run) run ;;
  sentinels) sentinels ;;
  *) echo "usage: $0 render|run|sentinels" >&2; exit 2 ;;
esac
