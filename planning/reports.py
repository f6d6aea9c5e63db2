"""A standalone HTML report of a selection, made with folium: choropleth per 10,000 inhabitants,
heat layer, hotspot circles and the tables, in one file a planner can mail (scripts and styles
embedded; only the background tiles need the internet)."""

from __future__ import annotations

import json
import mimetypes
from urllib.parse import urlsplit

import folium
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from folium.plugins import HeatMap

from casa_map.folium_local import render_standalone
from districts import selectors as district_selectors
from districts.maps import base_map, feature_bounds
from issues.models import Complaint

from . import report_maps, selectors
from .places import hotspot_place
from .selection import SELECTION_WHERE, Selection

PALETTE = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]
REPORT_ZOOM = 14


def _colour(value: float | None, top: float) -> str:
    if not value or not top:
        return PALETTE[0]
    index = min(int(value / top * len(PALETTE)), len(PALETTE) - 1)
    return PALETTE[index]


def hotspot_report(
    selection: Selection, *, metres: int, min_count: int, inline: bool = True
) -> str:
    """The report as one HTML document: with `inline` its scripts and styles are embedded (a
    file to mail); without, they come from this site's static files (the report page)."""
    figures = selectors.arrondissement_figures(selection)
    found = selectors.hotspots(selection, metres=metres, min_count=min_count)
    cells = selectors.heat_cells(selection, zoom=REPORT_ZOOM)
    by_slug = {row["slug"]: row for row in figures}
    top = max((row["per_10k"] or 0 for row in figures), default=0)

    features = []
    for area in district_selectors.arrondissement_boundaries_geojson():
        row = by_slug.get(area["slug"], {})
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(area["geometry"]),
                "properties": {
                    "name": f"{area['name_fr']} — {area['name_ar']}",
                    "complaints": row.get("complaints", 0),
                    "per_10k": row.get("per_10k"),
                    "colour": _colour(row.get("per_10k"), top),
                },
            }
        )
    folium_map = base_map(bounds=feature_bounds(features))
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=_("Reports per 10,000 inhabitants"),
        style_function=lambda feature: {
            "fillColor": feature["properties"]["colour"],
            "fillOpacity": 0.6,
            "color": "#1d4e89",
            "weight": 1,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "complaints", "per_10k"],
            aliases=[_("Arrondissement"), _("Reports"), _("per 10,000 inhabitants")],
        ),
    ).add_to(folium_map)
    HeatMap(
        [[lat, lon, n] for lat, lon, n in cells["cells"]],
        name=_("Heat map"),
        radius=18,
        blur=14,
    ).add_to(folium_map)
    hotspot_layer = folium.FeatureGroup(name=_("Hotspots"))
    for rank, hotspot in enumerate(found, start=1):
        folium.Circle(
            location=[hotspot.lat, hotspot.lon],
            radius=max(hotspot.radius_m, 30),
            color="#5b1a8b",
            weight=2,
            fill=True,
            fill_opacity=0.15,
            tooltip=f"{rank}. {hotspot.category.name}: {hotspot.complaints}",
        ).add_to(hotspot_layer)
    hotspot_layer.add_to(folium_map)
    folium.LayerControl(collapsed=False).add_to(folium_map)

    summary = render_to_string(
        "planning/report_summary.html",
        {
            "selection": selection,
            "figures": figures,
            "hotspots": [(hotspot, hotspot_place(hotspot)) for hotspot in found],
            "metres": metres,
            "min_count": min_count,
            "generated": timezone.localtime(),
            "has_demo": _has_demo_complaints(selection),
            "suppressed": cells["suppressed"],
        },
    )
    root = folium_map.get_root()
    root.title = _("Casa Map — hotspot report")
    root.html.add_child(folium.Element(summary), index=0)
    root.header.add_child(
        folium.Element(
            "<style>html,body{height:auto}body{font-family:system-ui,sans-serif;margin:0}"
            ".folium-map{height:70vh!important;position:relative!important}"
            ".report{max-width:72rem;margin:0 auto;padding:1rem}"
            ".report table{border-collapse:collapse;width:100%}"
            ".report th,.report td{padding:.3rem .5rem;border-bottom:1px solid #ccc;"
            "text-align:start}"
            # On paper: the map at a page's width, no zoom buttons or layer list, rows unbroken.
            "@media print{.folium-map{height:16cm!important;break-inside:avoid}"
            ".leaflet-control-zoom,.leaflet-control-layers{display:none}"
            ".report tr{break-inside:avoid}.report--tables{break-before:page}}</style>"
        )
    )
    return render_standalone(folium_map, inline=inline)


def _has_demo_complaints(selection: Selection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM issues_complaint c WHERE {SELECTION_WHERE} "
            "AND c.is_demo)",
            selection.sql_params(),
        )
        return cursor.fetchone()[0]


# --- The shareable report: one HTML document, on screen and as a PDF ------------------------


def report_context(selection: Selection, *, metres: int, min_count: int, query: str) -> dict:
    """What the report shows of a selection: its maps as SVG drawings (planning.report_maps),
    hotspots, figures per arrondissement, categories × states and weekly trends, all read
    through the planners' caches."""
    figures = {
        name: selectors.figure(name, selection)
        for name in ("arrondissements", "categories", "trends")
    }
    found = selectors.cached_hotspots(selection, metres, min_count)
    return {
        "selection": selection,
        "figures": figures,
        "hotspots": [(hotspot, hotspot_place(hotspot)) for hotspot in found],
        "choropleth": report_maps.choropleth(figures["arrondissements"]),
        "hotspot_map": report_maps.hotspot_map(
            found,
            area_slug=selection.arrondissement.slug if selection.arrondissement else None,
            box=selection.box,
        ),
        "status_columns": Complaint.Status.choices,
        "metres": metres,
        "min_count": min_count,
        "generated": timezone.localtime(),
        "has_demo": _has_demo_complaints(selection),
        "period_text": period_text(selection),
        "box_text": ", ".join(f"{value:.5f}" for value in selection.box) if selection.box else "",
        "trend_category": selection.trend_category,
        "query": query,
    }


def period_text(selection: Selection) -> str:
    """The period received, in words: "received from 01/03/2026 to 31/03/2026"."""
    if selection.since and selection.until:
        return _("received from %(start)s to %(end)s") % {
            "start": date_format(selection.since, "d/m/Y"),
            "end": date_format(selection.until, "d/m/Y"),
        }
    if selection.until:
        return _("received up to %(date)s") % {"date": date_format(selection.until, "d/m/Y")}
    if selection.since:
        return _("received since %(date)s") % {"date": date_format(selection.since, "d/m/Y")}
    return _("since the beginning")


def report_html(context: dict, request=None) -> str:
    """The report's page (its style block allowed by the request's CSP nonce)."""
    return render_to_string("planning/report.html", context, request=request)


def _static_file(url: str) -> tuple[bytes, str] | None:
    """The content and type of this site's static file at `url`, read from disk, or None."""
    path = urlsplit(url).path
    static_url = urlsplit(settings.STATIC_URL).path
    if not path.startswith(static_url):
        return None
    name = path[len(static_url) :]
    found = finders.find(name)
    if not found and settings.STATIC_ROOT and staticfiles_storage.exists(name):
        found = staticfiles_storage.path(name)
    if not found:
        return None
    with open(found, "rb") as handle:
        return handle.read(), mimetypes.guess_type(name)[0] or "application/octet-stream"


def report_pdf(html: str) -> bytes:
    """The report's HTML as an A4 PDF (WeasyPrint, with the same style sheet's print rules):
    the maps are the same SVG drawings, vector graphics in the PDF. WeasyPrint may read this
    site's static files from disk and nothing else: no request leaves the server."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            found = _static_file(url)
            if found is None:
                raise ValueError(f"the report fetches nothing but its static files: {url}")
            body, kind = found
            return URLFetcherResponse(url, body, headers={"Content-Type": kind})

    return HTML(
        string=html, base_url="http://report.invalid/", url_fetcher=StaticFilesOnly()
    ).write_pdf()
