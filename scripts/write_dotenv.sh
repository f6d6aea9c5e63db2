#!/usr/bin/env bash
# Writes a local .env (debug on, a fresh random secret key) the first time; never overwrites one.
set -euo pipefail
[[ -f .env ]] && exit 0
key="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
cat > .env <<DOTENV
# Local development settings written by scripts/write_dotenv.sh. Not committed.
DEBUG=true
SECRET_KEY=${key}
ALLOWED_HOSTS=127.0.0.1,localhost
DOTENV
echo "Wrote .env for local development"
