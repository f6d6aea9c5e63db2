"""Makes folium maps load their JavaScript and CSS from our static files instead of CDNs.

folium declares the assets of each element in `default_js` / `default_css` (name, URL) pairs and
writes them into the page header when it renders. `use_local_assets` rewrites those pairs on every
element of a map just before rendering. An asset with no local copy is an error, so a CDN link can
never slip into a page unnoticed; assets we deliberately leave out are listed in UNUSED_ASSETS.
"""

from __future__ import annotations

import folium
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static

LOCAL_ASSETS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
}

# Bootstrap, jQuery and Font Awesome only serve folium's popups-with-icons and awesome markers,
# which Casa Map does not use: our maps are plain Leaflet layers.
UNUSED_ASSETS = {
    "jquery",
    "bootstrap",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers",
    "awesome_markers_css",
    "awesome_markers_font_css",
    "awesome_rotate_css",
}


def _localised(assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    result = []
    for name, _url in assets:
        if name in UNUSED_ASSETS:
            continue
        if name not in LOCAL_ASSETS:
            raise ImproperlyConfigured(
                f"folium asset {name!r} has no local copy: add it to static/vendor "
                "(scripts/vendor_static.sh) and to LOCAL_ASSETS"
            )
        result.append((name, static(LOCAL_ASSETS[name])))
    return result


def use_local_assets(root: folium.Element) -> None:
    """Rewrites, in place, the asset lists of `root` and all its descendants."""
    pending = [root]
    while pending:
        element = pending.pop()
        for attribute in ("default_js", "default_css"):
            assets = getattr(element, attribute, None)
            if assets:
                setattr(element, attribute, _localised(assets))
        pending.extend(element._children.values())


def render_standalone(folium_map: folium.Map) -> str:
    """The map as a complete HTML document whose assets all come from our static files."""
    use_local_assets(folium_map)
    return folium_map.get_root().render()
