#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Casa Map needs when they are missing; quiet and fast when
# everything is already there. Usage: scripts/install_system_packages.sh [--with-browser]
set -euo pipefail

# Pango and DejaVu (Arabic glyphs included) lay out the planners' PDF report (WeasyPrint).
packages=(gdal-bin gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
[[ "${1:-}" == "--with-browser" ]] && packages+=(chromium)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
[[ $(id -u) -ne 0 ]] && as_root=(sudo)
echo "Installing system packages: ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
