#!/usr/bin/env bash
# Makes sure a local PostgreSQL with PostGIS is installed and running, that the current OS user
# has a (superuser) role reached through the Unix socket, and that the database named in $1
# exists with the postgis extension. Idempotent. Only used when DATABASE_URL is not configured.
set -euo pipefail
database="${1:-casa_map}"
db_user="$(id -un)"

as_root=()
[[ $(id -u) -ne 0 ]] && as_root=(sudo)
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq postgresql
fi
version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! is_installed "postgresql-${version}-postgis-3"; then
  echo "Installing PostGIS for PostgreSQL ${version}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "postgresql-${version}-postgis-3"
fi

if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  echo "Starting PostgreSQL ${version}"
  cluster="$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $2; exit}')"
  if [[ -z "$cluster" ]]; then
    "${as_root[@]}" pg_createcluster "$version" main
    cluster=main
  fi
  "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start \
    || "${as_root[@]}" pg_ctlcluster "$version" "$cluster" start
fi

if [[ "$(as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${db_user}'")" != 1 ]]; then
  echo "Creating database role ${db_user}"
  as_postgres createuser --superuser "$db_user"
fi
if [[ "$(as_postgres psql -tAc "SELECT 1 FROM pg_database WHERE datname = '${database}'")" != 1 ]]; then
  echo "Creating database ${database}"
  as_postgres createdb --owner "$db_user" "$database"
fi
as_postgres psql -q -d "$database" -c "CREATE EXTENSION IF NOT EXISTS postgis"
