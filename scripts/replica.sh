#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL, run for real on this machine (issue #26): a second
# cluster copied from the primary by `pg_basebackup -R` (with a replication slot, so the primary
# keeps the WAL it has not received yet) and started streaming from it.
#
#   scripts/replica.sh start    makes the replica when missing, starts it, waits until it streams
#   scripts/replica.sh stop     stops it (its data and slot are kept: `start` resumes streaming)
#   scripts/replica.sh drop     stops it, deletes its data and the primary's slot
#   scripts/replica.sh status   "streaming", "stopped" or "missing" (exit 0, 3, 4)
#   scripts/replica.sh url      DATABASE_REPLICA_URL for the running replica (DATABASE_URL's user
#                               and database, or database $2); nothing when it is not running
#
# Settings (environment): CASA_PG_HOST/CASA_PG_PORT (the primary, 127.0.0.1:5432),
# CASA_REPLICA_PORT (5433), CASA_REPLICA_DIR (the cluster's folder; /var/lib/postgresql/casa_map_
# replica under root, else .run/replica), CASA_REPLICATION_USER (postgres under root, else you).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

primary_host="${CASA_PG_HOST:-127.0.0.1}" primary_port="${CASA_PG_PORT:-5432}"
port="${CASA_REPLICA_PORT:-5433}"
slot="casa_map_replica_${port}"
if [[ $(id -u) -eq 0 ]]; then
  dir="${CASA_REPLICA_DIR:-/var/lib/postgresql/casa_map_replica_${port}}"
  user="${CASA_REPLICATION_USER:-postgres}"
  as_owner() { runuser -u postgres -- "$@"; }  # PostgreSQL refuses to run as root
else
  dir="${CASA_REPLICA_DIR:-$root/.run/replica_${port}}"
  user="${CASA_REPLICATION_USER:-$(id -un)}"
  as_owner() { "$@"; }
fi
data="$dir/data"

primary_sql() { psql -X -q -At -h "$primary_host" -p "$primary_port" -U "$user" -d postgres -c "$1"; }
replica_sql() { psql -X -q -At -h 127.0.0.1 -p "$port" -U "$user" -d postgres -c "$1" 2>/dev/null; }
version="$(primary_sql 'SHOW server_version_num')"
bin="/usr/lib/postgresql/$((version / 10000))/bin"

running() { [[ -f "$data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

allow_replication() {
  # The primary must let the replication user stream over TCP from this machine; where its
  # pg_hba.conf has no such line, one is added with the method its 127.0.0.1 line already uses.
  local hba method
  hba="$(primary_sql 'SHOW hba_file')"
  if ! primary_sql "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database)
      AND type = 'host' AND (address = '127.0.0.1' OR address IS NULL)" | grep -q 1; then
    method="$(primary_sql "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host'
      AND address = '127.0.0.1' AND 'all' = ANY(database) LIMIT 1")"
    echo "Allowing replication from 127.0.0.1 in $hba (${method:-scram-sha-256})"
    printf 'host replication all 127.0.0.1/32 %s\n' "${method:-scram-sha-256}" >> "$hba"
    primary_sql 'SELECT pg_reload_conf()' >/dev/null
  fi
}

make_replica() {
  allow_replication
  # A slot left by a replica whose folder was deleted would hold WAL forever: drop it first.
  primary_sql "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots
    WHERE slot_name = '$slot' AND NOT active" >/dev/null
  mkdir -p "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  echo "Copying the primary (${primary_host}:${primary_port}) into $data"
  as_owner "$bin/pg_basebackup" -h "$primary_host" -p "$primary_port" -U "$user" -D "$data" \
    --write-recovery-conf --create-slot --slot "$slot" --wal-method stream --checkpoint fast
  # Debian keeps postgresql.conf and pg_hba.conf outside the data folder: the replica gets its
  # own. A hot standby needs at least the primary's values of these settings.
  local setting lines=()
  for setting in max_connections max_worker_processes max_wal_senders \
      max_prepared_transactions max_locks_per_transaction; do
    lines+=("$setting = $(primary_sql "SHOW $setting")")
  done
  as_owner tee "$data/postgresql.conf" >/dev/null <<EOF
# The Casa Map streaming replica (scripts/replica.sh), a hot standby of ${primary_host}:${primary_port}.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
hot_standby = on
# The primary keeps rows a long replica query still reads, instead of cancelling the query.
hot_standby_feedback = on
wal_receiver_status_interval = 1s
logging_collector = off
$(printf '%s\n' "${lines[@]}")
EOF
  as_owner tee "$data/pg_hba.conf" >/dev/null <<'EOF'
local all all trust
host all all 127.0.0.1/32 trust
EOF
}

wait_streaming() {
  for _ in $(seq 100); do
    [[ "$(replica_sql 'SELECT status FROM pg_stat_wal_receiver')" == streaming ]] && return 0
    sleep 0.1
  done
  echo "The replica on port $port started but does not stream from the primary" >&2
  return 1
}

case "${1:-start}" in
  start)
    [[ -f "$data/standby.signal" ]] || { rm -rf "$data"; make_replica; }
    if ! running; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/replica.log" -w -t 60 start >/dev/null
    fi
    wait_streaming
    echo "Replica streaming on 127.0.0.1:$port"
    ;;
  stop)
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    ;;
  drop)
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    rm -rf "$dir"
    primary_sql "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots
      WHERE slot_name = '$slot'" >/dev/null
    ;;
  status)
    if [[ ! -f "$data/standby.signal" ]]; then echo missing; exit 4; fi
    if ! running; then echo stopped; exit 3; fi
    replica_sql 'SELECT status FROM pg_stat_wal_receiver' || echo "not streaming"
    ;;
  url)
    running || exit 0
    # DATABASE_URL's user and database (its path, or $2), at the replica's address.
    (cd "$root" && .venv/bin/python - "$port" "${2:-}" <<'PY'
import os, sys
from urllib.parse import urlsplit, urlunsplit
import environ
environ.Env.read_env(".env")  # as casa_map/settings.py: the environment wins over .env
url = urlsplit(os.environ.get("DATABASE_URL", "postgis:///casa_map"))
user = f"{url.username}{':' + url.password if url.password else ''}@" if url.username else ""
path = f"/{sys.argv[2]}" if sys.argv[2] else url.path
print(urlunsplit((url.scheme, f"{user}127.0.0.1:{sys.argv[1]}", path, "", "")))
PY
)
    ;;
  *) echo "usage: $0 start|stop|drop|status|url [database]" >&2; exit 2 ;;
esac
