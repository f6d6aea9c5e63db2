"""folium maps of Casablanca's districts."""

from __future__ import annotations

import json

import folium
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.ops import unary_union

OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tile_attribution() -> str:
    """The configured tile attribution; OpenStreetMap's is always kept (the boundaries are ODbL),
    with "contributors" in the page's language."""
    osm = OSM_ATTRIBUTION.replace(" contributors", " " + _("contributors"))
    attribution = settings.MAP_TILE_ATTRIBUTION.replace(OSM_ATTRIBUTION, osm)
    if "OpenStreetMap" not in attribution:
        attribution = f"{attribution} | {osm}"
    return attribution


def base_map(*, bounds: list[list[float]]) -> folium.Map:
    folium_map = folium.Map(tiles=None, control_scale=False, prefer_canvas=False)
    folium.TileLayer(
        tiles=settings.MAP_TILE_URL,
        attr=tile_attribution(),
        name=_("Map"),
        max_zoom=19,
    ).add_to(folium_map)
    folium_map.fit_bounds(bounds)
    return folium_map


def arrondissements_map(boundaries: list[dict]) -> folium.Map:
    """The 16 arrondissements, named in the page's language only (two scripts side by side
    overlapped on a phone), drawn from data embedded in the page, so they show even when tiles
    cannot load. Labels that would overlap a label already drawn are hidden until one zooms in
    (LABEL_COLLISIONS); the tooltip names every arrondissement anyway."""
    arabic = (get_language() or "fr").startswith("ar")
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(row["geometry"]),
            "properties": {
                "slug": row["slug"],
                "name": (arabic and row["name_ar"]) or row["name_fr"],
                "prefecture": row["prefecture"],
                "population_2024": row["population_2024"],
            },
        }
        for row in boundaries
    ]
    collection = {"type": "FeatureCollection", "features": features}
    bounds = feature_bounds(features)
    folium_map = base_map(bounds=bounds)
    folium.GeoJson(
        collection,
        name=_("Arrondissements"),
        style_function=lambda feature: {
            "color": "#1d4e89",
            "weight": 2,
            "fillColor": "#4f8fd6",
            "fillOpacity": 0.12,
        },
        highlight_function=lambda feature: {"weight": 4, "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "prefecture"], aliases=[_("Arrondissement"), _("Préfecture")]
        ),
    ).add_to(folium_map)
    for feature, row in zip(features, boundaries, strict=True):
        lon, lat = row["label_point"]
        folium.Marker(
            location=[lat, lon],
            icon=folium.DivIcon(
                class_name="district-label",
                icon_size=(110, 20),
                icon_anchor=(55, 10),
                html=f"<span>{escape(feature['properties']['name'])}</span>",
            ),
        ).add_to(folium_map)
    folium_map.get_root().header.add_child(
        folium.CssLink(static("css/folium_map.css"), download=False)
    )
    folium_map.get_root().html.add_child(
        folium.Element(f"<script>{LABEL_COLLISIONS % {'map': folium_map.get_name()}}</script>")
    )
    return folium_map


# Greedy: in the order drawn, a label is shown unless its text box overlaps one already shown.
# Run at "load": the map's own script, which defines the map, comes later in the document.
LABEL_COLLISIONS = """
window.addEventListener("load", function () {
  var map = %(map)s;
  function place() {
    var shown = [];
    document.querySelectorAll(".district-label span").forEach(function (label) {
      // The whole marker is hidden (not only its text): a hidden marker leaves the
      // accessibility tree rather than stay a button without a name.
      var marker = label.parentElement;
      marker.style.visibility = "visible";
      var box = label.getBoundingClientRect();
      var hit = shown.some(function (other) {
        return box.left < other.right + 2 && other.left < box.right + 2 &&
          box.top < other.bottom + 1 && other.top < box.bottom + 1;
      });
      if (hit) marker.style.visibility = "hidden"; else shown.push(box);
    });
  }
  map.whenReady(function () { setTimeout(place, 0); });
  map.on("zoomend moveend resize", place);
});
"""


def feature_bounds(features: list[dict]) -> list[list[float]]:
    min_lon, min_lat, max_lon, max_lat = unary_union(
        [shape(feature["geometry"]) for feature in features]
    ).bounds
    return [[min_lat, min_lon], [max_lat, max_lon]]
