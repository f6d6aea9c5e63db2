"""Planners' pages (/map/heat/, /planning/), their JSON endpoints and exports. Views parse the
query with planning.selection's forms and call planning.selectors through `cached`."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.forms import RADIUS_CHOICES
from casa_map import limits
from casa_map.api_errors import invalid_parameter, invalid_parameter_body
from casa_map.outputs import SpreadsheetWriter
from casa_map.views import too_many
from districts import selectors as district_selectors
from districts.maps import tile_attribution
from issues import policy
from issues import selectors as issue_selectors
from issues.models import Complaint
from issues.public_view import sensitive_category_ids
from issues.views import page_config as report_page_config

from . import selectors
from .answers import (
    ArrondissementFiguresAnswer,
    HeatMapAnswer,
    HotspotAnswer,
    MapFeatureCollection,
)
from .caching import cache_key, keep_seconds
from .exports import REPORTS_LIMIT, public_report_rows, recurring_points, spreadsheet_rows
from .places import arrondissement_labels, hotspot_place
from .reports import period_text, report_context, report_html
from .reports import report_pdf as report_pdf_bytes
from .selection import HeatMapForm, HotspotForm, Selection, SelectionForm, last_weeks

SELECTION_PARAMETERS = [
    OpenApiParameter("status", str, enum=["open", "all"], description="open (default) or all"),
    OpenApiParameter("category", str, description="category code"),
    OpenApiParameter("arrondissement", str, description="arrondissement slug"),
    OpenApiParameter(
        "days", str, enum=["28", "30", "90", "365", "year"], description="received in the last…"
    ),
    OpenApiParameter("since", str, description="received from this day (YYYY-MM-DD)"),
    OpenApiParameter("until", str, description="received up to this day, included"),
    OpenApiParameter("area", str, description="west,south,east,north (WGS 84)"),
]


def snapped_bounds(zoom: int, bbox) -> selectors.Bounds | None:
    """The visible box widened to whole 256-pixel tiles at this zoom (no more: the answer is
    not cached, so a wider box would only send more cells). Up to zoom 13 the whole city is
    served at once."""
    if bbox is None or zoom <= 13:
        return None
    step = 360 / 2**zoom
    west, south, east, north = bbox
    return selectors.Bounds(
        math.floor(west / step) * step,
        math.floor(south / step) * step,
        math.ceil(east / step) * step,
        math.ceil(north / step) * step,
    )


def heat_json_for(form: HeatMapForm) -> str:
    """The heat map's answer as JSON text, read from the pyramids of counts: exact at every
    moment and cheap, so never cached (nothing to invalidate when a report arrives)."""
    zoom = min(max(form.cleaned_data["zoom"], selectors.MIN_ZOOM), selectors.MAX_ZOOM)
    cells = selectors.heat_cells(
        form.selection(),
        zoom=zoom,
        bounds=snapped_bounds(zoom, form.cleaned_data["bbox"]),
        week=form.cleaned_data["week"],
    )
    week = form.cleaned_data["week"]
    if week is not None and form.cleaned_data["scale"] != "week":
        cells["scale"] = "weeks"
        cells["scale_max"] = selectors.weekly_scale_max(
            form.selection(), zoom=zoom, weeks=last_weeks()
        )
    else:
        cells["scale"] = "week" if week else "view"
        cells["scale_max"] = cells["max"]
    return json.dumps(cells, separators=(",", ":"))


class HeatMapView(APIView):
    """Open complaints aggregated into square cells (EPSG:3857) whose size follows the zoom:
    `cells` = [[lat, lon, complaints], …] of the cell centres. Never one point per complaint."""

    @extend_schema(
        parameters=[
            *SELECTION_PARAMETERS,
            OpenApiParameter("zoom", int, description="map zoom, 10–18 (default 12)"),
            OpenApiParameter("bbox", str, description="west,south,east,north (WGS 84)"),
            OpenApiParameter(
                "week", str, description="only the week received starting this Monday (YYYY-MM-DD)"
            ),
            OpenApiParameter(
                "scale",
                str,
                enum=["weeks", "week"],
                description="with a week: `scale_max` over the last 52 weeks (default) or this "
                "week's own",
            ),
        ],
        responses={200: HeatMapAnswer},
    )
    def get(self, request: Request) -> Response:
        form = HeatMapForm(request.query_params)
        if not form.is_valid():
            return invalid_parameter(form)
        return HttpResponse(heat_json_for(form), content_type="application/json")


class HotspotsView(APIView):
    """Clusters of complaints: at least `min_count` complaints each within `metres` of another;
    biggest first, with dominant category, age and radius. Exact (PostGIS ST_ClusterDBSCAN,
    `method` "dbscan") for selections DBSCAN answers quickly, the same rule over grid cells
    (`method` "grid") beyond, up to the whole city."""

    @extend_schema(
        parameters=[
            *SELECTION_PARAMETERS,
            OpenApiParameter("metres", int, description="DBSCAN distance, 10–1000 m"),
            OpenApiParameter("min_count", int, description="DBSCAN minimum, 2–1000"),
        ],
        responses={200: HotspotAnswer(many=True)},
    )
    def get(self, request: Request) -> Response:
        form = HotspotForm(request.query_params)
        if not form.is_valid():
            return invalid_parameter(form)
        found = selectors.cached_hotspots(
            form.selection(), form.cleaned_data["metres"], form.cleaned_data["min_count"]
        )
        return Response([hotspot.public() for hotspot in found])


class ArrondissementFiguresView(APIView):
    """Complaints per arrondissement, absolute and per 10,000 inhabitants (census 2024)."""

    @extend_schema(
        parameters=SELECTION_PARAMETERS, responses={200: ArrondissementFiguresAnswer(many=True)}
    )
    def get(self, request: Request) -> Response:
        form = SelectionForm(request.query_params)
        if not form.is_valid():
            return invalid_parameter(form)
        return Response(selectors.figure("arrondissements", form.selection()))


def _page_config(extra: dict) -> dict:
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": tile_attribution(),
        "boundariesUrl": reverse("api-v1:arrondissement-boundaries"),
        **extra,
    }


def heat_map(request: HttpRequest) -> HttpResponse:
    form = HeatMapForm(request.GET or None)
    weeks = last_weeks()
    return render(
        request,
        "planning/heat_map.html",
        {
            "form": form,
            "slider_weeks": len(weeks),
            "page_config": _page_config(
                {
                    "heatUrl": reverse("api-v1:heatmap"),
                    "weeks": [
                        {"monday": week.isoformat(), "label": date_format(week, "j M Y")}
                        for week in weeks
                    ],
                    "messages": {
                        "cell": _("cells of about %(metres)s m"),
                        "total": _("reports in view"),
                        "suppressed": _("left out to protect reporters"),
                        "week": _("Received in the week of %(date)s"),
                        "allWeeks": _("Received: as chosen above"),
                        "play": _("Play the last 52 weeks"),
                        "pause": _("Pause"),
                        "scaleWeeks": _("same scale for the 52 weeks"),
                        "scaleWeek": _("scale of this week alone"),
                    },
                }
            ),
        },
    )


def _figures(selection: Selection, metres: int, min_count: int) -> dict:
    found = selectors.cached_hotspots(selection, metres, min_count)
    return {name: selectors.figure(name, selection) for name in selectors.FIGURES} | {
        "hotspots": found
    }


def _staff_links(request: HttpRequest, found: list[selectors.Hotspot]) -> dict[str, str]:
    """Each hotspot's newest references, linked to the staff page when the complaint is in the
    staff member's scope, to the public tracking page otherwise."""
    references = [ref for hotspot in found for ref in hotspot.newest_references]
    mine = set(
        policy.scoped_complaints(request.user)
        .filter(reference__in=references)
        .values_list("reference", flat=True)
    )
    return {
        ref: reverse("staff-complaint" if ref in mine else "track", args=[ref])
        for ref in references
    }


def planning(request: HttpRequest) -> HttpResponse:
    form = HotspotForm(request.GET)  # every field is optional: no query is a valid one
    if not form.is_valid():
        return render(request, "planning/planning.html", {"form": form}, status=400)
    selection = form.selection()
    metres, min_count = form.cleaned_data["metres"], form.cleaned_data["min_count"]
    figures = _figures(selection, metres, min_count)
    is_staff_member = policy.is_staff_member(request.user)
    links = _staff_links(request, figures["hotspots"]) if is_staff_member else {}
    places = [hotspot_place(hotspot) for hotspot in figures["hotspots"]]
    return render(
        request,
        "planning/planning.html",
        {
            "form": form,
            "selection": selection,
            "figures": figures,
            "staff_links": links,
            "hotspot_rows": list(zip(figures["hotspots"], places, strict=True)),
            "status_columns": Complaint.Status.choices,
            "reports_limit": REPORTS_LIMIT,
            "recurrence_weeks": settings.RECURRENCE_WITHIN_WEEKS,
            "is_staff_member": is_staff_member,
            "grid_metres": round(
                selectors.cell_metres(selectors.grid_level(metres))
                * math.cos(math.radians(selectors.CITY_LATITUDE))
            ),
            "query": selection.query_string() + f"&metres={metres}&min_count={min_count}",
            "query_without_trend": replace(selection, trend_category=None).query_string()
            + f"&metres={metres}&min_count={min_count}",
            "period_text": period_text(selection),
            "page_config": _page_config(
                {
                    "arrondissements": figures["arrondissements"],
                    "hotspots": [
                        hotspot.public() | place
                        for hotspot, place in zip(figures["hotspots"], places, strict=True)
                    ],
                    "labels": arrondissement_labels(),
                    "trends": figures["trends"],
                    "area": selection.box,
                    "recurring": recurring_points(selection),
                    "messages": {
                        "received": _("Reports received"),
                        "resolved": _("Resolved"),
                        "perCapita": _("per 10,000 inhabitants"),
                        "complaints": _("reports"),
                        "hotspot": _("Hotspot"),
                        "recurring": _("Reported again after a fix"),
                    },
                }
            ),
        },
    )


def _report_context(request: HttpRequest) -> dict | HttpResponse:
    """The report's content for the query (the planners' page's), or the page with its errors."""
    form = HotspotForm(request.GET)
    if not form.is_valid():
        return render(request, "planning/planning.html", {"form": form}, status=400)
    selection = form.selection()
    metres, min_count = form.cleaned_data["metres"], form.cleaned_data["min_count"]
    return report_context(
        selection,
        metres=metres,
        min_count=min_count,
        query=selection.query_string() + f"&metres={metres}&min_count={min_count}",
    )


def report(request: HttpRequest) -> HttpResponse:
    """The shareable report of a selection (the page's query): its maps as SVG drawings made
    on the server, hotspots and figures; printable, and the same document as a PDF."""
    context = _report_context(request)
    if isinstance(context, HttpResponse):
        return context
    return HttpResponse(report_html(context, request))


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The report as an A4 PDF: the same HTML as `report`, laid out by WeasyPrint. A PDF is kept
    in the cache like the figures it shows (same selection, language, day and data version);
    making one that is not counts against the client's PLANNING_PDF_RATE_LIMIT."""
    context = _report_context(request)
    if isinstance(context, HttpResponse):
        return context
    selection = context["selection"]
    key = cache_key(
        "report-pdf",
        selection,
        context["metres"],
        context["min_count"],
        translation.get_language(),
    )
    pdf = cache.get(key)
    if pdf is None:
        verdict = limits.take(request, "planning_pdf")
        if not verdict.allowed:
            return too_many(
                request, verdict, _("Too many reports made from this connection."), False
            )
        pdf = report_pdf_bytes(report_html(context, request))
        cache.set(key, pdf, keep_seconds())
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="casa-map-report-{stamp}.pdf"'
    return response


# --- The public map (/map/): open and lately fixed reports, as clusters or as pins ----------

PINS_FROM_ZOOM = 16
# A cluster is a heat-map cell two zooms coarser: 64 screen pixels wide.
CLUSTER_ZOOM_STEP = 2

# How the map colours its pins: the statuses grouped as a passer-by reads them, each with a
# glyph so that no colour has to be told apart (static/js/public_map.js, the page's legend).
MAP_STATUS_GROUPS = [
    ("new", "!", [Complaint.Status.SUBMITTED]),
    ("acknowledged", "→", [Complaint.Status.ACKNOWLEDGED]),
    ("in-progress", "◐", [Complaint.Status.IN_PROGRESS]),
    ("fixed", "✓", list(issue_selectors.FIXED_STATUSES)),
]


def map_status_legend() -> list[dict]:
    labels = {
        "new": _("New"),
        "acknowledged": _("Acknowledged by who handles it"),
        "in-progress": _("In progress"),
        "fixed": _("Fixed in the last 30 days"),
    }
    return [
        {"key": key, "glyph": glyph, "label": labels[key], "statuses": statuses}
        for key, glyph, statuses in MAP_STATUS_GROUPS
    ]


class PublicMapForm(HeatMapForm):
    """The public map: a category, an arrondissement, the zoom and the box, and whether to show
    the reports fixed in the last 30 days too (`fixed`; off when absent, as for any API caller
    from before it; the page's box is ticked)."""

    fixed = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "days", "scale", "since", "until", "area"):
            del self.fields[name]


class OpenComplaintsView(APIView):
    """Every open report for the public map, and with `fixed` those fixed in the last 30 days:
    clusters, one per square of 64 screen pixels, counted from the heat map's pyramid of counts
    (open reports only; `fixed` then counts the fixed ones in view), below street zoom (16) or
    wherever the view holds more than 2,000 reports; otherwise every report in the box as a
    single pin at its public position (issues.public_view), with what its popup shows. Privacy
    as on the heat map: sensitive categories (noise) never show as a lone pin, nor in a cluster
    with fewer than PRIVACY_MIN_COUNT of them; `suppressed` counts those left out."""

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, description="category code"),
            OpenApiParameter("arrondissement", str, description="arrondissement slug"),
            OpenApiParameter("zoom", int, description="map zoom (default 12); pins from 16"),
            OpenApiParameter("bbox", str, description="west,south,east,north (WGS 84)"),
            OpenApiParameter(
                "fixed", bool, description="also the reports fixed in the last 30 days"
            ),
        ],
        responses={200: MapFeatureCollection},
    )
    def get(self, request: Request) -> Response:
        form = PublicMapForm(request.query_params)
        if not form.is_valid():
            return invalid_parameter(form)
        zoom, box = form.cleaned_data["zoom"], form.cleaned_data["bbox"]
        selection = form.selection()
        cells = selectors.heat_cells(
            selection,
            zoom=max(zoom - CLUSTER_ZOOM_STEP, selectors.PYRAMID_MIN_ZOOM),
            bounds=selectors.Bounds(*box) if box else None,
        )
        hidden = sensitive_category_ids()
        complaints = issue_selectors.public_map_complaints(
            category=selection.category,
            arrondissement=selection.arrondissement,
            box=box,
            recently_fixed=form.cleaned_data["fixed"],
        )
        fixed = {"shown": 0, "suppressed": 0}
        if form.cleaned_data["fixed"]:
            fixed = issue_selectors.count_recently_fixed(complaints, hidden_categories=hidden)
        in_view = cells["total"] + cells["suppressed"] + fixed["shown"] + fixed["suppressed"]
        if zoom >= PINS_FROM_ZOOM and in_view <= issue_selectors.PUBLIC_MAP_PIN_LIMIT:
            pins = issue_selectors.public_map_pins(complaints, hidden_categories=hidden)
            return Response(
                {
                    "type": "FeatureCollection",
                    "mode": "pins",
                    "total": len(pins) - fixed["shown"],
                    "fixed": fixed["shown"],
                    # Counted here, in the same box as the pins: the pyramid's cells count the
                    # sensitive reports of a crowded cell among the others.
                    "suppressed": complaints.filter(category_id__in=hidden).count(),
                    "features": pins,
                }
            )
        return Response(
            {
                "type": "FeatureCollection",
                "mode": "clusters",
                "total": cells["total"],
                "fixed": fixed["shown"],
                "suppressed": cells["suppressed"] + fixed["suppressed"],
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"cluster": True, "complaints": complaints},
                    }
                    for lat, lon, complaints in cells["cells"]
                ],
            }
        )


def public_map(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "issues/public_map.html",
        {
            "categories": district_selectors.active_categories(),
            "arrondissements": district_selectors.arrondissements().order_by("name_fr"),
            "radius_choices": RADIUS_CHOICES,
            "status_legend": map_status_legend(),
            "page_config": {
                **report_page_config(request),
                "complaintsUrl": reverse("api-v1:open-complaints"),
                "trackUrl": reverse("track", args=["REFERENCE"]),
                "pinsFromZoom": PINS_FROM_ZOOM,
                "listedAtMost": MAP_LIST_LENGTH,
                "statusGroups": map_status_legend(),
                "statusLabels": dict(Complaint.Status.choices),
                "mapMessages": {
                    "reported": _("Reported %(age)s"),
                    "fixedAge": _("Fixed %(age)s"),
                    "handledBy": _("Handled by:"),
                    "photo": _("Photo attached to the report"),
                    "follow": _("Follow this report"),
                    "metres": _("%(distance)s m"),
                    "kilometres": _("%(distance)s km"),
                },
            },
        },
    )


# The list beside the map: the reports nearest its centre, at most this many.
MAP_LIST_LENGTH = 50


EXPORTS = ("heat", "hotspots", "reports", *selectors.FIGURES)
SPATIAL_EXPORTS = ("heat", "arrondissements", "hotspots")


class InvalidExport(Exception):
    def __init__(self, form):
        self.form = form


def _export_rows(name: str, request: HttpRequest) -> list[dict]:
    form_class = {"heat": HeatMapForm, "hotspots": HotspotForm}.get(name, SelectionForm)
    form = form_class(request.GET)
    if not form.is_valid():
        raise InvalidExport(form)
    selection = form.selection()
    if name == "heat":
        data = json.loads(heat_json_for(form))
        return [
            {"lat": lat, "lon": lon, "complaints": n, "cell_metres": data["cell_metres"]}
            for lat, lon, n in data["cells"]
        ]
    if name == "hotspots":
        found = selectors.cached_hotspots(
            selection, form.cleaned_data["metres"], form.cleaned_data["min_count"]
        )
        return [hotspot.public() | hotspot_place(hotspot) for hotspot in found]
    if name == "reports":
        return public_report_rows(selection)
    return selectors.figure(name, selection)


def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """Every planners' view as CSV (UTF-8 with BOM, for spreadsheets: names in the page's
    language, shares as percentages) or, for map views, GeoJSON; and the selection's individual
    reports as the public sees them (CSV). Same query parameters as the page."""
    if name not in EXPORTS or fmt not in ("csv", "geojson"):
        raise Http404()
    if fmt == "geojson" and name not in SPATIAL_EXPORTS:
        raise Http404()
    try:
        rows = _export_rows(name, request)
    except InvalidExport as invalid:
        return JsonResponse(invalid_parameter_body(invalid.form), status=400)
    stamp = timezone.localdate().isoformat()
    filename = f"casa-map-{name}-{stamp}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            _csv(spreadsheet_rows(name, rows)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            json.dumps(_geojson(name, rows), ensure_ascii=False),
            content_type="application/geo+json",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    if rows:
        writer = SpreadsheetWriter(buffer)
        writer.writerow(list(rows[0]))
        writer.writerows(row.values() for row in rows)
    return buffer.getvalue()


def _geojson(name: str, rows: list[dict]) -> dict:
    if name == "arrondissements":
        shapes = {
            area["slug"]: area["geometry"]
            for area in district_selectors.arrondissement_boundaries_geojson()
        }
        features = [
            {"type": "Feature", "geometry": json.loads(shapes[row["slug"]]), "properties": row}
            for row in rows
            if row["slug"] in shapes
        ]
    else:
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
            }
            for row in rows
        ]
    return {"type": "FeatureCollection", "features": features}
