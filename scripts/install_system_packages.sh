#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Casa Map needs when they are missing; quiet and fast when
# everything is already there. Usage: scripts/install_system_packages.sh [--with-browser]
#
# nginx (the buffering proxy in front of gunicorn), pgbouncer (the connection pooler) and
# redis-sentinel (Redis's failover, with redis-server) are run by `make serve` with their own
# configuration from deploy/, as the user, on their own ports: the packages' system services are
# not started by the installation (a policy-rc.d refuses them).
set -euo pipefail

# Pango and DejaVu (Arabic glyphs included) lay out the planners' PDF report (WeasyPrint).
packages=(gdal-bin gettext gettext-base nginx-light pgbouncer redis-server redis-sentinel
  libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
[[ "${1:-}" == "--with-browser" ]] && packages+=(chromium)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
[[ $(id -u) -ne 0 ]] && as_root=(sudo)
echo "Installing system packages: ${missing[*]}"

policy=/usr/sbin/policy-rc.d
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod +x "$policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian enables redis-sentinel's own service (port 26379, watching the machine's Redis): not
# ours (scripts/redis_ha.sh runs the sentinels), so it does not start at the next boot either.
if [[ " ${missing[*]} " == *" redis-sentinel "* && -d /run/systemd/system ]]; then
  "${as_root[@]}" systemctl disable --now redis-sentinel >/dev/null 2>&1 || true
fi
