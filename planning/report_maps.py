"""The report's maps as images: SVG drawn on the server from the arrondissement boundaries in
PostGIS (no tiles, no script), the same in the HTML report and its PDF.

The shapes are projected to Web Mercator (EPSG:3857, as every map of the site), simplified to
SIMPLIFY_METRES and moved so that the city's north-west corner is the origin: one SVG unit is a
projected metre, y grows southwards (ST_AsSVG writes y negated). Each map is one <svg> with a
viewBox on the city, or on the selection's area (an arrondissement, a box) for the hotspots.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import translation

from casa_map.replica import replica_connection

from .grid import EARTH_RADIUS

# Detail kept in the shapes: at the report's width (about 17 cm for 25 km) a 25 m step is a
# twentieth of a millimetre; the 16 boundaries weigh a few tens of kilobytes.
SIMPLIFY_METRES = 25
SHAPES_CACHE_SECONDS = 24 * 60 * 60
ARABIC_ARRONDISSEMENT = "مقاطعة "

SHAPES_SQL = f"""
WITH projected AS (
    SELECT a.slug, a.name_fr, a.name_ar,
           ST_SimplifyPreserveTopology(ST_Transform(s.geometry, 3857), {SIMPLIFY_METRES})
               AS shape,
           ST_Transform(ST_PointOnSurface(s.geometry), 3857) AS label
    FROM districts_servicearea s
    JOIN districts_authority a ON a.id = s.authority_id
    WHERE a.kind = 'arrondissement'
), frame AS (
    SELECT ST_XMin(ST_Extent(shape)) AS x0, ST_YMax(ST_Extent(shape)) AS y0,
           ST_XMax(ST_Extent(shape)) AS x1, ST_YMin(ST_Extent(shape)) AS y1
    FROM projected
)
SELECT p.slug, p.name_fr, p.name_ar,
       ST_AsSVG(ST_Translate(p.shape, -f.x0, -f.y0), 0, 0),
       round(ST_X(p.label) - f.x0), round(f.y0 - ST_Y(p.label)),
       round(ST_XMin(p.shape) - f.x0), round(f.y0 - ST_YMax(p.shape)),
       round(ST_XMax(p.shape) - f.x0), round(f.y0 - ST_YMin(p.shape)),
       ST_Area(p.shape),
       f.x0, f.y0, f.x1 - f.x0, f.y0 - f.y1
FROM projected p, frame f
ORDER BY p.slug
"""


@dataclass(frozen=True)
class Shape:
    slug: str
    name_fr: str
    name_ar: str
    path: str
    label_x: float
    label_y: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the map's units
    area: float

    def name(self) -> str:
        if (translation.get_language() or "fr").startswith("ar") and self.name_ar:
            return self.name_ar
        return self.name_fr

    def short_name(self) -> str:
        """The name on the map: without the Arabic names' leading word "arrondissement"
        (مقاطعة), which the map's title says once."""
        return self.name().removeprefix(ARABIC_ARRONDISSEMENT).strip()


@dataclass(frozen=True)
class Frame:
    """Where the map's origin is in EPSG:3857 (the city's north-west corner) and its size."""

    x0: float
    y0: float
    width: float
    height: float

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        """A WGS 84 point in the map's units (EPSG:3857's spherical formulas)."""
        x = math.radians(lon) * EARTH_RADIUS
        y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * EARTH_RADIUS
        return round(x - self.x0, 1), round(self.y0 - y, 1)

    def metres(self, lat: float) -> float:
        """Map units per true metre at this latitude (Web Mercator's stretch)."""
        return 1 / math.cos(math.radians(lat))


def city_shapes() -> tuple[Frame, list[Shape]]:
    """The 16 arrondissements, simplified and projected (cached: boundaries change with a
    re-import of the fixtures only, which clears the cache)."""
    found = cache.get("planning:report-shapes")
    if found is None:
        with replica_connection().cursor() as cursor:
            cursor.execute(SHAPES_SQL)
            rows = cursor.fetchall()
        frame = Frame(*rows[0][11:15]) if rows else Frame(0, 0, 1, 1)
        shapes = [
            Shape(
                slug=slug,
                name_fr=name_fr,
                name_ar=name_ar,
                path=path,
                label_x=float(label_x),
                label_y=float(label_y),
                box=(float(x0), float(y0), float(x1), float(y1)),
                area=area,
            )
            for slug, name_fr, name_ar, path, label_x, label_y, x0, y0, x1, y1, area, *_ in rows
        ]
        found = (frame, shapes)
        cache.set("planning:report-shapes", found, SHAPES_CACHE_SECONDS)
    return found


# --- Choropleth ---------------------------------------------------------------------------

PALETTE = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]
# Text on the two darkest classes is white.
DARK_FROM = 3


def classes(values: list[float]) -> list[float]:
    """The upper bound of each colour class: equal steps up to the largest value, as the
    planners' page draws its choropleth (static/js/planning.js)."""
    top = max([0.0, *values])
    return [top * (i + 1) / len(PALETTE) for i in range(len(PALETTE))]


def colour_index(value: float, limits: list[float]) -> int:
    for index, limit in enumerate(limits):
        if value <= limit:
            return index
    return len(PALETTE) - 1


# Labels are HTML text laid over the drawing (WeasyPrint's SVG text has no bidirectional layout:
# Arabic names came out letter by letter from the left). Their font is about this share of the
# map's width (7.5 pt on the PDF's 18 cm; static/css/report.css), a bold character about 0.6 em
# wide. A label that would overlap one already placed is tried smaller, then replaced by a
# number that the key under the map lists.
LABEL_FONT_SHARE = 0.0145
LABEL_SCALES = (1.0, 0.85)
# Where a number may go, in font sizes from its area's point, when the point itself is taken.
NUMBER_NUDGES = [(0, 0), (0, 1.2), (0, -1.2), (1.2, 0), (-1.2, 0), (1, 1), (-1, 1), (1, -1)]


@dataclass
class Label:
    x: float
    y: float
    text: str
    size: float
    dark: bool
    number: int | None = None  # set when the name did not fit: the key lists it
    small: bool = False  # drawn smaller than the others
    left: float = 0.0  # the label's centre, in % of the map's width and height
    top: float = 0.0


def _label_box(x: float, y: float, text: str, size: float) -> tuple[float, float, float, float]:
    half = len(text) * size * 0.6 / 2
    return x - half, y - size * 0.75, x + half, y + size * 0.35


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(shapes: list[Shape], dark: set[str], width: float) -> list[Label]:
    """Names at each area's point on surface, largest areas first; one that cannot be placed
    without overlapping another, even smaller, is given a number instead."""
    base = width * LABEL_FONT_SHARE
    placed: list[tuple[float, float, float, float]] = []
    labels: list[Label] = []
    numbered = 0
    for shape in sorted(shapes, key=lambda s: -s.area):
        name = shape.short_name()
        for scale in LABEL_SCALES:
            box = _label_box(shape.label_x, shape.label_y, name, base * scale)
            if not any(_overlaps(box, other) for other in placed):
                placed.append(box)
                labels.append(
                    Label(
                        shape.label_x,
                        shape.label_y,
                        name,
                        base * scale,
                        shape.slug in dark,
                        small=scale < 1,
                    )
                )
                break
        else:
            numbered += 1
            size = base * 0.85
            # Beside its point when a name already covers it.
            x, y = shape.label_x, shape.label_y
            for dx, dy in NUMBER_NUDGES:
                box = _label_box(x + dx * size, y + dy * size, str(numbered), size)
                if not any(_overlaps(box, other) for other in placed):
                    x, y = x + dx * size, y + dy * size
                    break
            placed.append(_label_box(x, y, str(numbered), size))
            labels.append(
                Label(
                    x,
                    y,
                    str(numbered),
                    size,
                    shape.slug in dark,
                    number=numbered,
                    small=True,
                )
            )
    return labels


def choropleth(figures: list[dict], measure: str = "per_10k") -> dict:
    """The choropleth's drawing: each area's path and colour, the labels, the legend's classes
    and the key of numbered labels. `figures` are planning.figures.arrondissement_figures."""
    frame, shapes = city_shapes()
    values = {row["slug"]: row[measure] or 0 for row in figures}
    limits = classes(list(values.values()))
    areas = []
    dark = set()
    for shape in shapes:
        index = colour_index(values.get(shape.slug, 0), limits)
        if index >= DARK_FROM:
            dark.add(shape.slug)
        areas.append({"shape": shape, "colour": PALETTE[index]})
    labels = place_labels(shapes, dark, frame.width)
    for label in labels:
        label.left = round(label.x / frame.width * 100, 2)
        label.top = round(label.y / frame.height * 100, 2)
    key = sorted(
        (
            {"number": label.number, "name": shape.name()}
            for label, shape in zip(labels, sorted(shapes, key=lambda s: -s.area), strict=True)
            if label.number is not None
        ),
        key=lambda item: item["number"],
    )
    legend = []
    lower = 0.0
    for colour, upper in zip(PALETTE, limits, strict=True):
        legend.append({"colour": colour, "from": round(lower, 1), "to": round(upper, 1)})
        lower = upper
    return {
        "view_box": f"0 0 {round(frame.width)} {round(frame.height)}",
        "width": frame.width,
        "areas": areas,
        "labels": labels,
        "key": key,
        "legend": legend,
        "stroke": round(frame.width / 800, 1),
    }


# --- Hotspots -----------------------------------------------------------------------------

# A hotspot is drawn at its true radius, but never smaller than this share of the view's width
# (a 40 m cluster on a 25 km map would otherwise be a speck).
MIN_CIRCLE_SHARE = 0.008
FRAME_MARGIN = 0.05


def hotspot_map(hotspots: list, *, area_slug: str | None = None, box=None) -> dict:
    """The hotspots as circles numbered by their rank in the table, on the arrondissements'
    outlines, framed on the selection's arrondissement or box (widened to the city map's
    proportions, so that both maps take the same room on paper), else on the city."""
    frame, shapes = city_shapes()
    x0, y0, x1, y1 = 0.0, 0.0, frame.width, frame.height
    if box is not None:
        west, south, east, north = box
        (x0, y0), (x1, y1) = frame.point(north, west), frame.point(south, east)
    elif area_slug is not None:
        for shape in shapes:
            if shape.slug == area_slug:
                x0, y0, x1, y1 = shape.box
    outline = (x0, y0, x1 - x0, y1 - y0)
    ratio = frame.width / frame.height
    width, height = x1 - x0, y1 - y0
    margin = max(width, height) * FRAME_MARGIN
    width, height = width + 2 * margin, height + 2 * margin
    if width / height < ratio:
        width = height * ratio
    else:
        height = width / ratio
    x0, y0 = (x0 + x1 - width) / 2, (y0 + y1 - height) / 2
    font = width * LABEL_FONT_SHARE
    circles = []
    for rank, hotspot in enumerate(hotspots, start=1):
        x, y = frame.point(hotspot.lat, hotspot.lon)
        radius = max(
            max(hotspot.radius_m, 30) * frame.metres(hotspot.lat), width * MIN_CIRCLE_SHARE
        )
        circles.append(
            {
                "rank": rank,
                "x": x,
                "y": y,
                "r": round(radius, 1),
                # The rank's label, under the circle.
                "left": round((x - x0) / width * 100, 2),
                "top": round((y + radius + font - y0) / height * 100, 2),
            }
        )
    return {
        "view_box": f"{round(x0)} {round(y0)} {round(width)} {round(height)}",
        "shapes": shapes,
        "circles": circles,
        "selected": area_slug,
        "stroke": round(width / 800, 1),
        "box": [round(value) for value in outline] if box is not None else None,
    }
