"""What the public may see of a complaint: the one selector and projection that every public
surface (REST, Open311, tracking page, feeds, nearby offers, the public map) goes through.

- Published complaints only (not hidden by a moderator, not awaiting pre-moderation).
- The moderated text: `shown_title` / `shown_description` (a redaction where there is one).
- No personal field is even read.
- Citizens' updates: published ones only (`published_updates`), photos by their public copy.
- **Position.** A complaint of a sensitive category (PRIVACY_SENSITIVE_CATEGORIES, e.g. noise: it
  points at a neighbour) is shown at the centre of its cell of a grid PRIVACY_GRID_METRES wide
  (ST_SnapToGrid on WGS 84, computed by PostgreSQL in every public query), never at its own
  point. Every public
  filter by place (box, distance) is applied to that public position too, so narrowing a box or
  a radius cannot find the exact point either: `public_location` is an annotation of the
  queryset, and `inside` / `near` filter on it (the GiST index on the true location still
  narrows the candidates first, with a window widened by one cell).
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.gis.db.models import PointField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Case, F, Func, QuerySet, Value, When

from districts.models import Category

from .models import CitizenUpdate, Complaint

METRES_PER_DEGREE_LATITUDE = 111_320
# Casablanca's latitude, for the width of a degree of longitude (the grid is square on the
# ground there; the city spans a few tenths of a degree).
CITY_LATITUDE = 33.57


def sensitive_category_ids() -> list[int]:
    return list(
        Category.objects.filter(code__in=settings.PRIVACY_SENSITIVE_CATEGORIES).values_list(
            "pk", flat=True
        )
    )


def grid_steps() -> tuple[float, float]:
    """(longitude, latitude) sizes in degrees of a PRIVACY_GRID_METRES cell."""
    metres = settings.PRIVACY_GRID_METRES
    step_lat = metres / METRES_PER_DEGREE_LATITUDE
    step_lon = step_lat / math.cos(math.radians(CITY_LATITUDE))
    return step_lon, step_lat


def public_point(complaint: Complaint) -> Point:
    """Where the public may see `complaint`: the position the public querysets annotate."""
    return complaint.public_location


def _public_location_expression():
    step_lon, step_lat = grid_steps()
    snapped = Func(
        F("location"),
        Value(step_lon),
        Value(step_lat),
        function="ST_SnapToGrid",
        output_field=PointField(srid=4326),
    )
    return Case(
        When(category__code__in=settings.PRIVACY_SENSITIVE_CATEGORIES, then=snapped),
        default=F("location"),
        output_field=PointField(srid=4326),
    )


def visible(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """`complaints` as the public may see them: personal fields not read, `public_location`
    annotated. Whether they are published is the caller's filter (`published`)."""
    return (
        complaints.select_related("category", "authority", "arrondissement")
        .defer(
            "reporter",
            "contact_name",
            "contact_email",
            "contact_phone",
            "submitter_key",
            "filed_by",
        )
        .annotate(public_location=_public_location_expression())
    )


def published() -> QuerySet[Complaint]:
    """Every complaint anyone may see."""
    return visible(Complaint.objects.filter(moderation=Complaint.Moderation.PUBLISHED))


def published_updates() -> QuerySet[CitizenUpdate]:
    """Citizens' updates anyone may see: published by a moderator, oldest first; their photo
    only when it has a (blurred) public copy and is not hidden. Who sent them is not read."""
    return (
        CitizenUpdate.objects.filter(moderation=CitizenUpdate.Moderation.PUBLISHED)
        .select_related("photo")
        .defer("author", "submitter_key")
        .order_by("created_at", "id")
    )


def public_update_photo(update: CitizenUpdate):
    """The update's photo as the public may see it, or None."""
    photo = update.photo
    if photo is None or photo.is_hidden or not photo.public_file:
        return None
    return photo


def _widened_box(box: tuple[float, float, float, float]) -> Polygon:
    step_lon, step_lat = grid_steps()
    west, south, east, north = box
    return Polygon.from_bbox((west - step_lon, south - step_lat, east + step_lon, north + step_lat))


def inside(
    complaints: QuerySet[Complaint], box: tuple[float, float, float, float]
) -> QuerySet[Complaint]:
    """Complaints whose public position lies in the box (west, south, east, north)."""
    return complaints.filter(
        location__intersects=_widened_box(box),
        public_location__intersects=Polygon.from_bbox(box),
    )


def _around(point: Point, metres: float) -> Polygon:
    dlat = metres / METRES_PER_DEGREE_LATITUDE
    dlon = metres / (METRES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(point.y)), 0.01))
    return _widened_box((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))


def within_metres(
    complaints: QuerySet[Complaint], point: Point, metres: float
) -> QuerySet[Complaint]:
    """Complaints whose *real* position is within `metres` of `point`, annotated with `distance`:
    for the staff's and the reporter's own purposes only (`near` is the public one)."""
    return complaints.filter(
        location__intersects=_around(point, metres),
        location__distance_lte=(point, D(m=metres)),
    ).annotate(distance=Distance("location", point))


def within_metres_sql(point: Point, metres: float) -> tuple[str, list, str, list]:
    """`within_metres` as SQL on the complaints table, for a query asked on every filing: the
    condition and its parameters, then the distance (metres) and its parameters."""
    distance = "ST_Distance(location::geography, ST_GeomFromEWKT(%s)::geography, false)"
    condition = f"location && ST_GeomFromEWKT(%s) AND {distance} <= %s"
    return condition, [_around(point, metres).ewkt, point.ewkt, metres], distance, [point.ewkt]


def near(complaints: QuerySet[Complaint], point: Point, metres: float) -> QuerySet[Complaint]:
    """Complaints whose public position is within `metres` of `point` (on the sphere),
    annotated with `distance` to it. The box `metres` around the point, widened by a cell, only
    lets the GiST index narrow the candidates; the distance is measured in metres."""
    return complaints.filter(
        location__intersects=_around(point, metres),
        public_location__distance_lte=(point, D(m=metres)),
    ).annotate(distance=Distance("public_location", point))
