"""folium maps of Casablanca's districts."""

from __future__ import annotations

import json

import folium
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.ops import unary_union

OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tile_attribution() -> str:
    """The configured tile attribution; OpenStreetMap's is always kept (the boundaries are ODbL)."""
    attribution = settings.MAP_TILE_ATTRIBUTION
    if "OpenStreetMap" not in attribution:
        attribution = f"{attribution} | {OSM_ATTRIBUTION}"
    return attribution


def base_map(*, bounds: list[list[float]]) -> folium.Map:
    folium_map = folium.Map(tiles=None, control_scale=True, prefer_canvas=False)
    folium.TileLayer(
        tiles=settings.MAP_TILE_URL,
        attr=tile_attribution(),
        name=_("Map"),
        max_zoom=19,
    ).add_to(folium_map)
    folium_map.fit_bounds(bounds)
    return folium_map


def arrondissements_map(boundaries: list[dict]) -> folium.Map:
    """The 16 arrondissements with their French and Arabic names, drawn from data embedded in the
    page, so they show even when tiles cannot load."""
    features = [
        {
            "type": "Feature",
            "geometry": json.loads(row["geometry"]),
            "properties": {
                "slug": row["slug"],
                "name_fr": row["name_fr"],
                "name_ar": row["name_ar"],
                "prefecture": row["prefecture_fr"],
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
            fields=["name_fr", "name_ar", "prefecture"],
            aliases=[_("Arrondissement"), "", _("Préfecture")],
        ),
    ).add_to(folium_map)
    for row in boundaries:
        lon, lat = row["label_point"]
        folium.Marker(
            location=[lat, lon],
            icon=folium.DivIcon(
                class_name="district-label",
                icon_size=(120, 36),
                icon_anchor=(60, 18),
                html=(
                    f'<div class="district-label__fr">{escape(row["name_fr"])}</div>'
                    f'<div class="district-label__ar" lang="ar" dir="rtl">'
                    f"{escape(row['name_ar'])}</div>"
                ),
            ),
        ).add_to(folium_map)
    folium_map.get_root().header.add_child(
        folium.CssLink(static("css/folium_map.css"), download=False)
    )
    return folium_map


def feature_bounds(features: list[dict]) -> list[list[float]]:
    min_lon, min_lat, max_lon, max_lat = unary_union(
        [shape(feature["geometry"]) for feature in features]
    ).bounds
    return [[min_lat, min_lon], [max_lat, max_lon]]
