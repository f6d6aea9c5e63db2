"""Read-side queries about places: which arrondissement a point is in, boundaries for maps."""

from __future__ import annotations

from dataclasses import dataclass

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
from django.db.models import Case, FloatField, Func, QuerySet, Value, When
from django.db.models.functions import Length

from .errors import OutsideServiceArea
from .models import Authority, Category, Place, Prefecture, ServiceArea
from .text import normalise


@dataclass(frozen=True)
class Location:
    arrondissement: Authority
    prefecture: Prefecture | None
    area: ServiceArea


def as_wgs84(point: Point) -> Point:
    if point.srid is None:
        return Point(point.x, point.y, srid=4326)
    if point.srid != 4326:
        return point.transform(4326, clone=True)
    return point


def locate(point: Point) -> Location:
    """The arrondissement covering the point. `covers` (not `contains`) so a point exactly on a
    shared border still finds one; ordering by slug makes that answer deterministic."""
    area = (
        ServiceArea.objects.filter(
            authority__kind=Authority.Kind.ARRONDISSEMENT, geometry__covers=as_wgs84(point)
        )
        .select_related("authority__prefecture")
        .defer("geometry", "authority__prefecture__geometry")
        .order_by("authority__slug")
        .first()
    )
    if area is None:
        raise OutsideServiceArea()
    return Location(arrondissement=area.authority, prefecture=area.authority.prefecture, area=area)


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
            "population_2024": area.authority.population_2024,
            "label_point": (round(area.label.x, 5), round(area.label.y, 5)),
            "geometry": area.display_geometry,
        }
        for area in rows
    ]


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


PLACE_GROUP_RANK = {"place": 0, "street": 1, "transit": 2, "landmark": 3, "poi": 4}
ADDRESS_GROUPS = ["street", "landmark", "place", "transit"]


class TrigramWordDistanceFrom(Func):
    """`column <->> 'text'`: 1 − word similarity, written column-first so the GiST trigram index
    can drive the ordering (Django's TrigramWordDistance puts the text first)."""

    arg_joiner = " <->> "
    template = "%(expressions)s"
    output_field = FloatField()


MAX_FUZZY_DISTANCE = 0.45
FUZZY_CANDIDATES = 32


def search_places(query: str, *, limit: int = 8) -> list[Place]:
    """Gazetteer places matching `query` in French or Arabic, accents and hamza forms ignored.

    Substring and prefix matches come first (GIN trigram index), prefix before infix, quarters
    before streets before shops; remaining slots go to the nearest fuzzy matches (GiST trigram
    index, nearest-neighbour), which is what tolerates typos such as "zerktoni".
    """
    needle = normalise(query)
    if len(needle) < 2:
        return []
    group_rank = Case(
        *[When(group=group, then=Value(rank)) for group, rank in PLACE_GROUP_RANK.items()],
        default=Value(9),
    )
    places = Place.objects.select_related("arrondissement")
    found = list(
        places.filter(search_text__contains=needle)
        .annotate(
            starts=Case(
                When(search_text__startswith=needle, then=Value(0)),
                When(search_text__contains=f" {needle}", then=Value(1)),
                default=Value(2),
            ),
            group_rank=group_rank,
            name_length=Length("osm_name"),
        )
        .order_by("starts", "group_rank", "name_length", "osm_key")[:limit]
    )
    if len(found) < limit and len(needle) >= 3:
        # Ordered by distance alone so the GiST index drives the scan; ties (often many) are
        # then broken here, quarters and streets first.
        nearest = (
            places.exclude(pk__in=[place.pk for place in found])
            .annotate(distance=TrigramWordDistanceFrom("search_text", Value(needle)))
            .order_by("distance")[:FUZZY_CANDIDATES]
        )
        close = [place for place in nearest if place.distance <= MAX_FUZZY_DISTANCE]
        close.sort(key=lambda p: (p.distance, PLACE_GROUP_RANK.get(p.group, 9), len(p.osm_name)))
        found += close[: limit - len(found)]
    return found


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
