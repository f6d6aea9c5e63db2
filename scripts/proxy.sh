#!/usr/bin/env bash
# The buffering reverse proxy (nginx) in front of gunicorn, as the user, with the repository's
# configuration (deploy/nginx/nginx.conf.template). Usage:
#   scripts/proxy.sh render   writes $CASA_RUN_DIR/nginx.conf and checks it (nginx -t)
#   scripts/proxy.sh run      renders, then runs nginx in the foreground
# Settings (environment): CASA_LISTEN (127.0.0.1:8000), CASA_UPSTREAM (gunicorn, 127.0.0.1:8001),
# CASA_RUN_DIR (.run/nginx), CASA_STATIC_ROOT (staticfiles), CASA_MEDIA_ROOT (media),
# CASA_MAX_BODY (52m), CASA_CONNECTIONS_PER_CLIENT (32), CASA_CONNECTIONS_IN_ALL (2048).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

export CASA_LISTEN="${CASA_LISTEN:-127.0.0.1:8000}"
export CASA_UPSTREAM="${CASA_UPSTREAM:-127.0.0.1:8001}"
export CASA_RUN_DIR="${CASA_RUN_DIR:-$root/.run/nginx}"
export CASA_STATIC_ROOT="${CASA_STATIC_ROOT:-${STATIC_ROOT:-$root/staticfiles}}"
export CASA_MEDIA_ROOT="${CASA_MEDIA_ROOT:-${MEDIA_ROOT:-$root/media}}"
export CASA_DEPLOY_DIR="$root/deploy"
export CASA_WORKERS="${CASA_WORKERS:-auto}"
export CASA_MAX_BODY="${CASA_MAX_BODY:-52m}"
export CASA_CONNECTIONS_PER_CLIENT="${CASA_CONNECTIONS_PER_CLIENT:-32}"
export CASA_CONNECTIONS_IN_ALL="${CASA_CONNECTIONS_IN_ALL:-2048}"

nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
config="$CASA_RUN_DIR/nginx.conf"
# As a user, nginx's workers are that user. Started by root (a container, CI), they would become
# "nobody" and could not read the user's static and media folders: they stay the same user.
globals="daemon off;"
[[ $(id -u) -eq 0 ]] && globals="daemon off; user root;"

render() {
  mkdir -p "$CASA_RUN_DIR"
  # Only our ${CASA_*} names are filled: nginx's own $variables stay as they are.
  envsubst "$(printf '${%s} ' CASA_LISTEN CASA_UPSTREAM CASA_RUN_DIR CASA_STATIC_ROOT \
    CASA_MEDIA_ROOT CASA_DEPLOY_DIR CASA_WORKERS CASA_MAX_BODY CASA_CONNECTIONS_PER_CLIENT CASA_CONNECTIONS_IN_ALL)" \
    < "$root/deploy/nginx/nginx.conf.template" > "$config"
  "$nginx_bin" -t -q -e "$CASA_RUN_DIR/error.log" -p "$CASA_RUN_DIR" -c "$config" -g "$globals"
}

case "${1:-run}" in
  render) render ;;
  run) render; exec "$nginx_bin" -e "$CASA_RUN_DIR/error.log" -p "$CASA_RUN_DIR" -c "$config" -g "$globals" ;;
  *) echo "usage: $0 render|run" >&2; exit 2 ;;
esac
