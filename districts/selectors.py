"""Read-side queries about places: which arrondissement a point is in, boundaries for maps."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface, SnapToGrid
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import QuerySet

from .errors import OutsideServiceArea
from .models import Authority, Category, Prefecture, ServiceArea


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
