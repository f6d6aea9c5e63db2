#!/usr/bin/env bash
# Container start: migrate and load the city's reference data (both idempotent), then serve.
set -euo pipefail
if [[ -z "${SECRET_KEY:-}" ]]; then
  echo "SECRET_KEY is not set: using a random key for this container run (sessions end on restart)." >&2
  SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
  export SECRET_KEY
fi
python manage.py migrate --no-input
python manage.py seed_city
if [[ "${SEED_DEMO_COMPLAINTS:-true}" == "true" ]]; then
  python manage.py seed_demo_complaints
fi
exec "$@"
