#!/usr/bin/env bash
# Refreshes static/vendor/ from the npm registry at the versions pinned in package.json, so maps
# never depend on a CDN at run time. The copied files are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
(cd "$work" && npm install --silent --no-audit --no-fund --include=dev)
modules="$work/node_modules"
vendor=static/vendor
rm -rf "$vendor" && mkdir -p "$vendor"/{leaflet,leaflet.markercluster,leaflet.heat,chart.js}
cp -r "$modules/leaflet/dist/"{leaflet.js,leaflet.css,images} "$modules/leaflet/LICENSE" "$vendor/leaflet/"
cp "$modules/leaflet.markercluster/dist/"{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   "$modules/leaflet.markercluster/MIT-LICENCE.txt" "$vendor/leaflet.markercluster/"
cp "$modules/leaflet.heat/dist/leaflet-heat.js" "$modules/leaflet.heat/LICENSE" "$vendor/leaflet.heat/"
cp "$modules/chart.js/dist/chart.umd.min.js" "$modules/chart.js/LICENSE.md" "$vendor/chart.js/"
# axe-core checks accessibility in the browser tests; it is never served to visitors.
mkdir -p tests/e2e/vendor
cp "$modules/axe-core/axe.min.js" tests/e2e/vendor/axe.min.js
cp "$modules/axe-core/LICENSE" tests/e2e/vendor/axe-core-LICENSE
# The source map is not shipped; its comment would make browsers (and collectstatic) look for it.
sed -i "/sourceMappingURL/d" "$vendor/chart.js/chart.umd.min.js" "$vendor/leaflet/leaflet.js" \
  "$vendor/leaflet.markercluster/leaflet.markercluster.js"
echo "static/vendor refreshed"
