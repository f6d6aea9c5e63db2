#!/usr/bin/env bash
# `make serve`: the production configuration on this machine, without Docker (issue #26):
#
#   clients → nginx (buffering proxy, static files, citizens' files)  on HOST:PORT
#           → gunicorn (sync workers)                                  on 127.0.0.1:GUNICORN_PORT
#           → PgBouncer (transaction pooling)                          on 127.0.0.1:POOLER_PORT
#           → PostgreSQL/PostGIS (DATABASE_URL)
#   and, when `make replica` made one, a streaming replica for the reads that may lag
#   (casa_map/replica.py), reached directly (DATABASE_REPLICA_URL).
#   with one Celery worker and beat beside it, also through PgBouncer, and Redis as cache/broker.
#
# PROXY=off serves gunicorn directly on HOST:PORT, POOLER=off connects straight to PostgreSQL and
# REPLICA=off leaves a running replica unused (the benchmarks' contrast runs). Migrations run
# directly on PostgreSQL, before anything starts.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=false
# Redis without a single point of failure (scripts/redis_ha.sh, deploy/redis): a master, its
# replica and three sentinels on PORT+10…PORT+14; the cache and the broker find the master through
# the sentinels (REDIS_SENTINELS). Off (REDIS_HA=off), or when CACHE_URL/CELERY_BROKER_URL are
# given (the benchmarks'), the machine's Redis on 6379 is used directly.
REDIS_HA="${REDIS_HA:-$([[ -n "${CACHE_URL:-}${CELERY_BROKER_URL:-}" ]] && echo off || echo on)}"
if [[ $REDIS_HA == on ]]; then
  export CASA_REDIS_MASTER_PORT=$((${PORT:-8000} + 10)) CASA_REDIS_REPLICA_PORT=$((${PORT:-8000} + 11))
  export CASA_SENTINEL_PORTS="$((${PORT:-8000} + 12)) $((${PORT:-8000} + 13)) $((${PORT:-8000} + 14))"
  REDIS_SENTINELS="$(scripts/redis_ha.sh sentinels)" && export REDIS_SENTINELS
fi
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/2}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/3}"
export STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage
export PORT="${PORT:-8000}" HOST="${HOST:-127.0.0.1}"
PROXY="${PROXY:-on}" POOLER="${POOLER:-on}" REPLICA="${REPLICA:-auto}"
GUNICORN_PORT="${GUNICORN_PORT:-$((PORT + 1))}"
POOLER_PORT="${POOLER_PORT:-$((PORT + 2))}"
RUN_DIR="${RUN_DIR:-$PWD/.run/$PORT}"
VENV_BIN=.venv/bin
export PATH="$PWD/$VENV_BIN:$PATH"

python manage.py collectstatic --no-input -v 0
scripts/migrate_and_seed.sh

if [[ $REPLICA != off && -z "${DATABASE_REPLICA_URL:-}" ]]; then
  DATABASE_REPLICA_URL="$(scripts/replica.sh url 2>/dev/null || true)"
  [[ -n "$DATABASE_REPLICA_URL" ]] && export DATABASE_REPLICA_URL
fi
[[ $REPLICA == off ]] && unset DATABASE_REPLICA_URL

children=()
trap 'kill "${children[@]}" 2>/dev/null; wait' EXIT

if [[ $REDIS_HA == on ]]; then
  CASA_RUN_DIR="$RUN_DIR/redis" scripts/redis_ha.sh run &
  children+=($!)
  last_sentinel="${CASA_SENTINEL_PORTS##* }"
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$last_sentinel") 2>/dev/null && break; sleep 0.1; done
fi

if [[ $POOLER == on ]]; then
  # The same database, reached through PgBouncer on TCP.
  read -r pg_host pg_port pooled_url < <(python - "$POOLER_PORT" <<'PY'
import os, sys
from urllib.parse import urlsplit, urlunsplit
import environ
environ.Env.read_env(".env")  # as casa_map/settings.py: the environment wins over .env
url = urlsplit(os.environ.get("DATABASE_URL", "postgis:///casa_map"))
host, port = url.hostname or "127.0.0.1", url.port or 5432
user = f"{url.username}{':' + url.password if url.password else ''}@" if url.username else ""
pooled = urlunsplit((url.scheme, f"{user}127.0.0.1:{sys.argv[1]}", url.path, url.query, ""))
print(host if not host.startswith("/") else "127.0.0.1", port, pooled)
PY
)
  CASA_PG_HOST=$pg_host CASA_PG_PORT=$pg_port CASA_POOLER_PORT=$POOLER_PORT \
    CASA_RUN_DIR="$RUN_DIR/pgbouncer" scripts/pgbouncer.sh run &
  children+=($!)
  export DATABASE_URL="$pooled_url" DATABASE_POOLER=pgbouncer
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$POOLER_PORT") 2>/dev/null && break; sleep 0.1; done
fi

celery -A casa_map worker -Q celery,heavy --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel WARNING &
children+=($!)
celery -A casa_map beat --loglevel WARNING --schedule .venv/celerybeat-schedule &
children+=($!)

if [[ $PROXY == on ]]; then
  # Django trusts exactly one proxy, ours, for the client's address; files go out through it.
  export TRUSTED_PROXIES=1 MEDIA_ACCEL_REDIRECT=/_protected_media/
  CASA_LISTEN="$HOST:$PORT" CASA_UPSTREAM="127.0.0.1:$GUNICORN_PORT" CASA_RUN_DIR="$RUN_DIR/nginx" \
    scripts/proxy.sh run &
  children+=($!)
  echo "Casa Map (production settings) on http://$HOST:$PORT — nginx → gunicorn :$GUNICORN_PORT → ${DATABASE_POOLER:-PostgreSQL}${DATABASE_REPLICA_URL:+ (+ replica)}"
  HOST=127.0.0.1 PORT=$GUNICORN_PORT FORWARDED_ALLOW_IPS=127.0.0.1 \
    gunicorn casa_map.wsgi --config gunicorn.conf.py &
else
  echo "Casa Map (production settings) on http://$HOST:$PORT — gunicorn faces clients (PROXY=off)"
  gunicorn casa_map.wsgi --config gunicorn.conf.py &
fi
children+=($!)
wait -n "${children[@]}"
