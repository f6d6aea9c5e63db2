"""Read-side queries about places: which arrondissement a point is in, boundaries for maps."""

from __future__ import annotations

import json
from datetime import date

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import (
    AsGeoJSON,
    Distance,
    GeometryDistance,
    PointOnSurface,
    SnapToGrid,
)
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Prefetch, QuerySet

from . import routing_table
from .errors import OutsideServiceArea
from .models import Assignment, Authority, Category, Place, ServiceArea
from .routing_table import Location
from .text import normalise


def as_wgs84(point: Point) -> Point:
    if point.srid is None:
        return Point(point.x, point.y, srid=4326)
    if point.srid != 4326:
        return point.transform(4326, clone=True)
    return point


def locate(point: Point, *, table: routing_table.RoutingTable | None = None) -> Location:
    """The arrondissement covering the point. `covers` (not `contains`) so a point exactly on a
    shared border still finds one; the first by slug, for a deterministic answer."""
    location = (table or routing_table.current()).locate(as_wgs84(point))
    if location is None:
        raise OutsideServiceArea()
    return location


def arrondissements() -> QuerySet[Authority]:
    return Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT).select_related("prefecture")


def arrondissement_areas() -> QuerySet[ServiceArea]:
    return ServiceArea.objects.filter(authority__kind=Authority.Kind.ARRONDISSEMENT).select_related(
        "authority__prefecture"
    )


def arrondissement_boundaries_geojson(*, grid_degrees: float = 0.00005) -> list[dict]:
    """Boundaries snapped to a ~5 m grid for display: a fraction of the full file's weight,
    computed in PostGIS. Routing always uses the full-precision geometry."""
    rows = arrondissement_areas().annotate(
        display_geometry=AsGeoJSON(SnapToGrid("geometry", grid_degrees), precision=5),
        label=PointOnSurface("geometry"),
    )
    return [
        {
            "slug": area.authority.slug,
            "name_fr": area.authority.name_fr,
            "name_ar": area.authority.name_ar,
            "prefecture_fr": area.authority.prefecture.name_fr if area.authority.prefecture else "",
            "prefecture": area.authority.prefecture.name if area.authority.prefecture else "",
            "population_2024": area.authority.population_2024,
            "label_point": (round(area.label.x, 5), round(area.label.y, 5)),
            "geometry": area.display_geometry,
        }
        for area in rows
    ]


def authority_boundary_geojson(authority: Authority | None) -> dict | None:
    """The union of an authority's service areas as a GeoJSON geometry (5 decimals, ~1 m), for
    maps; None for a city supervisor, who has no single authority."""
    if authority is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsGeoJSON(ST_Union(geometry), 5) FROM districts_servicearea "
            "WHERE authority_id = %s",
            [authority.pk],
        )
        value = cursor.fetchone()[0]
    return json.loads(value) if value else None


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def random_points_in_city(count: int, *, seed: int) -> list[Point]:
    """Uniform random points inside the 16 arrondissements (PostGIS ST_GeneratePoints), for demo
    data and benchmarks; the same seed gives the same points."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_X(dump.geom), ST_Y(dump.geom)
            FROM (
                SELECT (ST_Dump(ST_GeneratePoints(ST_Union(area.geometry), %s, %s))).geom
                FROM districts_servicearea area
                JOIN districts_authority authority ON authority.id = area.authority_id
                WHERE authority.kind = 'arrondissement'
            ) AS dump
            """,
            [count, seed],
        )
        return [Point(lon, lat, srid=4326) for lon, lat in cursor.fetchall()]


ADDRESS_GROUPS = ["street", "landmark", "place", "transit"]


MAX_FUZZY_DISTANCE = 0.45
FUZZY_CANDIDATES = 32

# One round trip. `exact`: names containing the text (the GIN trigram index serves the LIKE),
# ranked by how they contain it (`starts`): 0 a whole name is the text ("درب السلطان" is Derb
# Sultan's name, while Mers Sultan's only resembles it), 1 a name starts with it as whole words,
# 2 it is whole words inside a name, 3 a name starts with it, 4 a word does, 5 anywhere.
# `search_text` joins a place's normalised names with " | " (districts.text.search_text), so the
# patterns below test the text padded with that separator, on the exact matches only.
# `fuzzy`: the nearest names by trigram word distance (the GiST index drives the KNN ordering, so
# it must order by the distance alone), for typos. Ranked together: exact before fuzzy, then how,
# closeness, quarters before streets before shops, shorter names first. Only the `limit` best
# are then joined to their rows (by primary key), not the whole table.
SEARCH_PLACES_SQL = """
WITH exact AS (
    SELECT id, "group", osm_name, osm_key, 0 AS tier,
           CASE WHEN ' | ' || search_text || ' | ' LIKE %(whole_name)s THEN 0
                WHEN ' | ' || search_text || ' ' LIKE %(name_words)s THEN 1
                WHEN ' ' || search_text || ' ' LIKE %(words)s THEN 2
                WHEN ' | ' || search_text LIKE %(name_prefix)s THEN 3
                WHEN ' ' || search_text LIKE %(word_prefix)s THEN 4 ELSE 5 END AS starts,
           0.0::real AS distance
    FROM districts_place
    WHERE search_text LIKE %(contains)s
),
fuzzy AS (
    SELECT id, "group", osm_name, osm_key, 1 AS tier, 6 AS starts,
           search_text <->> %(needle)s AS distance
    FROM districts_place
    ORDER BY search_text <->> %(needle)s
    -- no fuzzy scan at all when the exact matches already fill the list
    LIMIT CASE WHEN (SELECT count(*) FROM exact) >= %(limit)s THEN 0 ELSE %(candidates)s END
),
ranked AS (
    SELECT *, row_number() OVER (
               ORDER BY tier, starts, distance,
                        CASE "group" WHEN 'place' THEN 0 WHEN 'street' THEN 1 WHEN 'transit' THEN 2
                                     WHEN 'landmark' THEN 3 WHEN 'poi' THEN 4 ELSE 9 END,
                        length(osm_name), osm_key) AS rank
    FROM (
        SELECT * FROM exact
        UNION ALL
        SELECT * FROM fuzzy
        WHERE distance <= %(max_distance)s AND id NOT IN (SELECT id FROM exact)
    ) AS found
    ORDER BY rank
    LIMIT %(limit)s
)
SELECT place.id, place.osm_key, place.osm_name, place.name_fr, place.name_ar,
       place.other_name_ar, place.kind, place."group", place.arrondissement_id, place.location,
       arrondissement.name_fr AS arrondissement_fr, arrondissement.name_ar AS arrondissement_ar
FROM ranked
JOIN districts_place place ON place.id = ranked.id
LEFT JOIN districts_authority arrondissement ON arrondissement.id = place.arrondissement_id
ORDER BY ranked.rank
"""


def search_places(query: str, *, limit: int = 8) -> list[Place]:
    """Gazetteer places matching `query` in French or Arabic, accents, vowel marks, hamza forms
    and the article ال ignored (districts.text), typos tolerated ("zerktoni"); a place one of
    whose names is the query comes first. Each carries `arrondissement_fr`/`arrondissement_ar`."""
    needle = normalise(query)
    if len(needle) < 2:
        return []
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        Place.objects.raw(
            SEARCH_PLACES_SQL,
            {
                "needle": needle,
                "whole_name": f"% | {escaped} | %",
                "name_words": f"% | {escaped} %",
                "words": f"% {escaped} %",
                "name_prefix": f"% | {escaped}%",
                "word_prefix": f"% {escaped}%",
                "contains": f"%{escaped}%",
                "candidates": FUZZY_CANDIDATES if len(needle) >= 3 else 0,
                "max_distance": MAX_FUZZY_DISTANCE,
                "limit": limit,
            },
        )
    )


def nearest_place(point: Point, *, within_metres: float = 250) -> tuple[Place, float] | None:
    """The nearest street, landmark, quarter or stop to describe a pin, with its distance."""
    candidates = (
        Place.objects.filter(group__in=ADDRESS_GROUPS)
        .order_by(GeometryDistance("location", point))  # KNN on the GiST index
        .annotate(metres=Distance("location", point))
        .select_related("arrondissement")[:8]
    )
    best = min(candidates, key=lambda place: place.metres.m, default=None)
    if best is None or best.metres.m > within_metres:
        return None
    return best, best.metres.m


def city_extent() -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of the 16 arrondissements, from the boundary data."""
    return arrondissement_areas().aggregate(extent=Extent("geometry"))["extent"]


def service_areas(*, on: date) -> QuerySet[ServiceArea]:
    """Every service area with its authority and the assignments in force on `on`."""
    current = Assignment.objects.valid_on(on).select_related("category")
    return (
        ServiceArea.objects.select_related("authority")
        .prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))
        .order_by("authority__kind", "authority__slug", "code")
    )
