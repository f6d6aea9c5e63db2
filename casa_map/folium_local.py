"""Makes folium maps load their JavaScript and CSS from our static files instead of CDNs.

folium declares the assets of each element in `default_js` / `default_css` (name, URL) pairs and
writes them into the page header when it renders. `use_local_assets` rewrites those pairs on every
element of a map just before rendering. An asset with no local copy is an error, so a CDN link can
never slip into a page unnoticed; assets we deliberately leave out are listed in UNUSED_ASSETS.
"""

from __future__ import annotations

import base64
import hashlib
import re

import folium
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils import translation

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


def _data_uri(path: str) -> str:
    """The static file's content as a data: URI, for a page that must work on its own."""
    kind = "text/css" if path.endswith(".css") else "text/javascript"
    with open(finders.find(path), "rb") as handle:
        return f"data:{kind};base64,{base64.b64encode(handle.read()).decode()}"


def _localised(assets: list[tuple[str, str]], *, inline: bool) -> list[tuple[str, str]]:
    result = []
    for name, _url in assets:
        if name in UNUSED_ASSETS:
            continue
        if name not in LOCAL_ASSETS:
            raise ImproperlyConfigured(
                f"folium asset {name!r} has no local copy: add it to static/vendor "
                "(scripts/vendor_static.sh) and to LOCAL_ASSETS"
            )
        path = LOCAL_ASSETS[name]
        result.append((name, _data_uri(path) if inline else static(path)))
    return result


def use_local_assets(root: folium.Element, *, inline: bool = False) -> None:
    """Rewrites, in place, the asset lists of `root` and all its descendants: to our static URLs,
    or with `inline` to the files' content itself (a report mailed as one file)."""
    pending = [root]
    while pending:
        element = pending.pop()
        for attribute in ("default_js", "default_css"):
            assets = getattr(element, attribute, None)
            if assets:
                setattr(element, attribute, _localised(assets, inline=inline))
        pending.extend(element._children.values())


def render_standalone(folium_map: folium.Map, *, inline: bool = False, title: str = "") -> str:
    """The map as a complete HTML document whose assets all come from our static files, or with
    `inline` are embedded in it (it then needs no server, only map tiles). It carries a title
    and the page's language and direction, which branca's template leaves out."""
    use_local_assets(folium_map, inline=inline)
    figure = folium_map.get_root()
    if title:
        figure.title = title
    html = figure.render()
    direction = "rtl" if translation.get_language_bidi() else "ltr"
    language = translation.get_language() or "fr"
    return html.replace("<html>", f'<html lang="{language}" dir="{direction}">', 1)


INLINE_BLOCK = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def inline_block_hashes(html: str) -> dict[str, list[str]]:
    """CSP sources allowing exactly the inline <script> and <style> blocks folium wrote into
    `html`, by their SHA-256 ({"script-src": ["'sha256-…'"], "style-src": […]})."""
    sources: dict[str, list[str]] = {"script-src": [], "style-src": []}
    for tag, body in INLINE_BLOCK.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        sources[f"{tag}-src"].append(f"'sha256-{digest}'")
    return sources
