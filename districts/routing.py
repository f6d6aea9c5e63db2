"""The one place that decides who handles a complaint: a point and a category in, an authority out.

Every entry point (web form, REST API, Open311, bulk re-routing) calls this module. Rule: among the
assignments valid on the complaint's date for that category, the one whose service area covers the
point wins (ties broken by authority slug, then area code, for a deterministic answer). A category
that never had an assignment is the arrondissement's own business. A category that has assignments,
none of them both in force on that date and covering the point, falls back to the arrondissement,
and says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import routing_table
from .models import Authority, Category, ServiceArea
from .selectors import Location, as_wgs84, locate


@dataclass(frozen=True)
class Routing:
    category: Category
    authority: Authority
    arrondissement: Authority
    service_area: ServiceArea
    fell_back: bool

    @property
    def explanation(self) -> Promise | str:
        if self.fell_back:
            return _(
                "No operator covers “%(category)s” at this location; "
                "routed to the arrondissement %(arrondissement)s."
            ) % {"category": self.category.name, "arrondissement": self.arrondissement.name}
        if self.authority.is_arrondissement:
            return _("Handled by the arrondissement %(name)s.") % {"name": self.authority.name}
        return _("Handled by %(name)s, which holds this service here.") % {
            "name": self.authority.name
        }


def route(point: Point, category: Category, *, on: date | None = None) -> Routing:
    """Raises OutsideServiceArea when the point is in no arrondissement."""
    return route_categories(point, [category], on=on)[category.code]


def route_categories(
    point: Point,
    categories: Iterable[Category],
    *,
    on: date | None = None,
    location: Location | None = None,
    table: routing_table.RoutingTable | None = None,
) -> dict[str, Routing]:
    """Routing of several categories at one point, from the routing table in memory.

    Pass `location` when the caller has already located the point, and `table` when it holds the
    routing table already (`routing_table.current()`, read in its transaction).
    """
    on = on or timezone.localdate()
    point = as_wgs84(point)
    table = table or routing_table.current()
    location = location or locate(point, table=table)
    decisions = {}
    for category in categories:
        assigned = table.assignments_of(category.pk)
        chosen = next((item.assignment for item in assigned if item.applies(point, on)), None)
        if chosen is not None:
            authority, area = chosen.service_area.authority, chosen.service_area
        else:
            authority, area = location.arrondissement, location.area
        decisions[category.code] = Routing(
            category=category,
            authority=authority,
            arrondissement=location.arrondissement,
            service_area=area,
            fell_back=chosen is None and bool(assigned),
        )
    return decisions


# The few candidate areas are materialised first, so each polygon meets the points one after the
# other and PostGIS reuses its prepared form (an index-driven loop per point alternates polygons
# and was 16x slower here).
BULK_ROUTE_SQL = """
WITH points AS MATERIALIZED (
    SELECT position, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t(lon, lat, position)
),
arrondissement_areas AS MATERIALIZED (
    SELECT area.geometry, authority.id AS authority_id, authority.slug
    FROM districts_servicearea area
    JOIN districts_authority authority ON authority.id = area.authority_id
    WHERE authority.kind = 'arrondissement'
),
assigned_areas AS MATERIALIZED (
    SELECT area.geometry, area.code, authority.id AS authority_id, authority.slug
    FROM districts_assignment assignment
    JOIN districts_servicearea area ON area.id = assignment.service_area_id
    JOIN districts_authority authority ON authority.id = area.authority_id
    WHERE assignment.category_id = %(category_id)s
      AND assignment.valid_from <= %(on)s
      AND (assignment.valid_until IS NULL OR assignment.valid_until > %(on)s)
),
home AS (
    SELECT DISTINCT ON (points.position) points.position, area.authority_id
    FROM arrondissement_areas area
    JOIN points ON ST_Covers(area.geometry, points.geom)
    ORDER BY points.position, area.slug
),
assigned AS (
    SELECT DISTINCT ON (points.position) points.position, area.authority_id
    FROM assigned_areas area
    JOIN points ON ST_Covers(area.geometry, points.geom)
    ORDER BY points.position, area.slug, area.code
)
SELECT CASE WHEN home.authority_id IS NULL THEN NULL
            ELSE COALESCE(assigned.authority_id, home.authority_id) END
FROM points
LEFT JOIN home USING (position)
LEFT JOIN assigned USING (position)
ORDER BY points.position
"""


def route_many(
    lon_lat: Sequence[tuple[float, float]], category: Category, *, on: date | None = None
) -> list[int | None]:
    """Authority id for each (lon, lat), or None outside every arrondissement, in one spatial join.

    The same rule as `route`, for bulk work (re-routing after a boundary change, benchmarks);
    tests check that both agree point by point.
    """
    on = on or timezone.localdate()
    params = {
        "lons": [lon for lon, _ in lon_lat],
        "lats": [lat for _, lat in lon_lat],
        "category_id": category.pk,
        "on": on,
    }
    with connection.cursor() as cursor:
        cursor.execute(BULK_ROUTE_SQL, params)
        return [row[0] for row in cursor.fetchall()]


def route_excluding(
    point: Point, category: Category, *, excluding: Authority, on: date | None = None
) -> Authority | None:
    """Who routing would choose if `excluding` did not exist: the first other assignment in force
    covering the point, else the point's arrondissement (None when that is `excluding` too).
    Used to suggest where to re-route a report that is not `excluding`'s responsibility."""
    on = on or timezone.localdate()
    point = as_wgs84(point)
    table = routing_table.current()
    for item in table.assignments_of(category.pk):
        authority = item.assignment.service_area.authority
        if authority.pk != excluding.pk and item.applies(point, on):
            return authority
    arrondissement = locate(point, table=table).arrondissement
    return None if arrondissement.pk == excluding.pk else arrondissement
