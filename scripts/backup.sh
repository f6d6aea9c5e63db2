#!/usr/bin/env bash
# `make backup`: backups/<UTC time>/ holding database.dump (pg_dump, custom format) and
# media.tar.gz (every stored file), with their SHA-256 sums. The database is dumped first: a file
# is written before its report commits, so the archive taken after holds every dumped report's
# files (and perhaps a few newer ones, harmless).
set -euo pipefail
cd "$(dirname "$0")/.."
destination="${1:-backups}/$(date -u +%Y%m%dT%H%M%SZ)"
database_url="${DATABASE_URL:-postgis:///casa_map}"
media_root="$(.venv/bin/python manage.py shell -v 0 -c 'from django.conf import settings; print(settings.MEDIA_ROOT)')"

mkdir -p "$destination" "$media_root"
pg_dump --format=custom --no-owner --no-privileges \
  --file "$destination/database.dump" "${database_url/#postgis:/postgresql:}"
tar -C "$media_root" -czf "$destination/media.tar.gz" .
(cd "$destination" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$destination"
