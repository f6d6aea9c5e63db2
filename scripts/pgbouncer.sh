#!/usr/bin/env bash
# PgBouncer in transaction pooling between every process and PostgreSQL, as the user, with the
# repository's configuration (deploy/pgbouncer/pgbouncer.ini.template). Usage:
#   scripts/pgbouncer.sh render   writes $CASA_RUN_DIR/pgbouncer.ini
#   scripts/pgbouncer.sh run      renders, then runs pgbouncer in the foreground
# Settings (environment): CASA_PG_HOST/CASA_PG_PORT (the PostgreSQL it pools, 127.0.0.1:5432),
# CASA_POOLER_HOST/CASA_POOLER_PORT (where it listens, 127.0.0.1:6433), CASA_POOL_SIZE (8),
# CASA_POOLER_AUTH (trust here; md5/scram-sha-256 in production, with CASA_POOLER_USERLIST, a
# PgBouncer auth_file, or CASA_POOLER_USER/CASA_POOLER_PASSWORD),
# CASA_RUN_DIR (.run/pgbouncer).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

export CASA_PG_HOST="${CASA_PG_HOST:-127.0.0.1}" CASA_PG_PORT="${CASA_PG_PORT:-5432}"
export CASA_POOLER_HOST="${CASA_POOLER_HOST:-127.0.0.1}" CASA_POOLER_PORT="${CASA_POOLER_PORT:-6433}"
export CASA_POOL_SIZE="${CASA_POOL_SIZE:-8}" CASA_POOLER_AUTH="${CASA_POOLER_AUTH:-trust}"
export CASA_POOLER_ADMIN="${CASA_POOLER_ADMIN:-${PGUSER:-$(id -un)}}"
export CASA_RUN_DIR="${CASA_RUN_DIR:-$root/.run/pgbouncer}"
config="$CASA_RUN_DIR/pgbouncer.ini"

render() {
  mkdir -p "$CASA_RUN_DIR"
  envsubst "$(printf '${%s} ' CASA_PG_HOST CASA_PG_PORT CASA_POOLER_HOST CASA_POOLER_PORT \
    CASA_POOL_SIZE CASA_POOLER_AUTH CASA_POOLER_ADMIN CASA_RUN_DIR)" \
    < "$root/deploy/pgbouncer/pgbouncer.ini.template" > "$config"
  if [[ -n "${CASA_POOLER_USERLIST:-}" ]]; then
    cp "$CASA_POOLER_USERLIST" "$CASA_RUN_DIR/userlist.txt"
  elif [[ -n "${CASA_POOLER_PASSWORD:-}" ]]; then
    # One user and its password (compose): PgBouncer checks clients with it and logs in with it.
    printf '"%s" "%s"\n' "${CASA_POOLER_USER:?set CASA_POOLER_USER}" "$CASA_POOLER_PASSWORD" \
      > "$CASA_RUN_DIR/userlist.txt"
    chmod 600 "$CASA_RUN_DIR/userlist.txt"
  else
    # trust (here): the users may connect without a password, as PostgreSQL itself lets them.
    for user in $(printf '%s\n' "$(id -un)" "${PGUSER:-}" postgres "${CASA_POOLER_ADMIN}" | sort -u); do
      printf '"%s" ""\n' "$user"
    done > "$CASA_RUN_DIR/userlist.txt"
  fi
}

case "${1:-run}" in
  render) render ;;
  run)
    render
    # pgbouncer refuses to run as root; under root (a container, CI) it runs as postgres.
    if [[ $(id -u) -eq 0 ]]; then
      chown -R postgres "$CASA_RUN_DIR"
      exec runuser -u postgres -- "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" "$config"
    fi
    exec "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" "$config"
    ;;
  *) echo "usage: $0 render|run" >&2; exit 2 ;;
esac
