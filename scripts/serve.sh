#!/usr/bin/env bash
# `make serve`: the production configuration on this machine, without Docker — gunicorn with
# DEBUG=false, the Redis cache and broker, whitenoise's compressed static files, one Celery
# worker and beat beside it. The load and fault benchmarks run against this.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=false
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/2}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/3}"
export STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage
export PORT="${PORT:-8000}" HOST="${HOST:-127.0.0.1}"
VENV_BIN=.venv/bin
export PATH="$PWD/$VENV_BIN:$PATH"

python manage.py collectstatic --no-input -v 0
scripts/migrate_and_seed.sh

celery -A casa_map worker --concurrency "${WORKER_CONCURRENCY:-2}" --loglevel WARNING &
worker=$!
celery -A casa_map beat --loglevel WARNING --schedule .venv/celerybeat-schedule &
beat=$!
trap 'kill $worker $beat 2>/dev/null; wait' EXIT
echo "Casa Map (production settings) on http://$HOST:$PORT — worker pid $worker, beat pid $beat"
gunicorn casa_map.wsgi --config gunicorn.conf.py
