#!/usr/bin/env bash
# `make restore FILE=backups/<stamp>`: checks the sums, replaces the database's contents with the
# dump (DATABASE_URL, which must exist) and unpacks the files into MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir="${1:?usage: scripts/restore.sh backups/<stamp>}"
database_url="${DATABASE_URL:-postgis:///casa_map}"
media_root="$(.venv/bin/python manage.py shell -v 0 -c 'from django.conf import settings; print(settings.MEDIA_ROOT)')"

(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
  --dbname "${database_url/#postgis:/postgresql:}" "$source_dir/database.dump"
mkdir -p "$media_root"
tar -C "$media_root" -xzf "$source_dir/media.tar.gz"
echo "restored $source_dir"
