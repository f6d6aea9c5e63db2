"""Who handles what where, held in memory by each process (by each of its threads): the service
areas with their polygons prepared for point-in-polygon tests, the assignments and the active
categories. Routing a report is then a few tests in memory instead of two spatial queries, which
were about a third of what filing a report cost (BENCHMARKS.md).

The tables are reloaded when the routing stamp changes: a number that PostgreSQL changes, by
trigger, with every statement that writes to them (migration districts/0006). It is read in the
caller's transaction, so a change is seen by the next report filed anywhere, a change not yet
committed only by its own transaction, and a change rolled back by nobody. GEOS answers `covers`
here as PostGIS's ST_Covers does in `routing.route_many`; tests compare the two point by point.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.contrib.gis.geos import Point
from django.contrib.gis.geos.prepared import PreparedGeometry
from django.db import DEFAULT_DB_ALIAS, connections

from .models import Assignment, Authority, Category, Prefecture, ServiceArea

STAMP_SQL = "SELECT stamp FROM districts_routingstamp"


@dataclass(frozen=True)
class Location:
    arrondissement: Authority
    prefecture: Prefecture | None
    area: ServiceArea


@dataclass(frozen=True)
class AssignedArea:
    """An assignment with its service area's prepared polygon."""

    assignment: Assignment
    shape: PreparedGeometry

    def applies(self, point: Point, on: date) -> bool:
        return self.assignment.is_in_force(on) and self.shape.covers(point)


class RoutingTable:
    """Arrondissement areas in slug order; each category's assignments in (authority slug, area
    code) order, the order in which the first that applies wins (districts.routing); the active
    categories by code, which a report may choose."""

    def __init__(self, stamp: int | None, using: str = DEFAULT_DB_ALIAS):
        """Loaded from the database `using`, the one the stamp was read from."""
        self.stamp = stamp
        areas = list(
            ServiceArea.objects.using(using)
            .select_related("authority__prefecture")
            .defer("authority__prefecture__geometry")
        )
        shapes = {area.pk: area.geometry.prepared for area in areas}
        areas_by_id = {area.pk: area for area in areas}
        self.arrondissements = sorted(
            (
                (area, shapes[area.pk])
                for area in areas
                if area.authority.kind == Authority.Kind.ARRONDISSEMENT
            ),
            key=lambda pair: pair[0].authority.slug,
        )
        self.active_categories = {
            category.code: category
            for category in Category.objects.using(using).filter(is_active=True)
        }
        self.assigned: dict[int, list[AssignedArea]] = {}
        for assignment in Assignment.objects.using(using):
            assignment.service_area = areas_by_id[assignment.service_area_id]
            self.assigned.setdefault(assignment.category_id, []).append(
                AssignedArea(assignment, shapes[assignment.service_area_id])
            )
        for assigned in self.assigned.values():
            assigned.sort(
                key=lambda item: (
                    item.assignment.service_area.authority.slug,
                    item.assignment.service_area.code,
                )
            )

    def locate(self, point: Point) -> Location | None:
        """The arrondissement covering a WGS 84 point (`covers`, so a point on a shared border
        finds one: the first by slug), or None outside every arrondissement."""
        for area, shape in self.arrondissements:
            if shape.covers(point):
                arrondissement = area.authority
                return Location(arrondissement, arrondissement.prefecture, area)
        return None

    def assignments_of(self, category_id: int) -> list[AssignedArea]:
        return self.assigned.get(category_id, [])


# One table per thread and database alias: GEOS builds a prepared polygon's index on first use,
# which is not safe from two threads at once (gunicorn may run WEB_THREADS per process).
_held = threading.local()


def current(using: str = DEFAULT_DB_ALIAS) -> RoutingTable:
    """The routing table as the caller's transaction sees it."""
    tables: dict[str, RoutingTable] = _held.__dict__.setdefault("tables", {})
    stamp = _read_stamp(using)
    table = tables.get(using)
    if table is None or table.stamp != stamp:
        table = RoutingTable(stamp, using)
        # Kept only if nothing committed a change between the stamp and the load.
        if _read_stamp(using) == stamp:
            tables[using] = table
    return table


def _read_stamp(using: str) -> int | None:
    with connections[using].cursor() as cursor:
        cursor.execute(STAMP_SQL)
        row = cursor.fetchone()
    return row[0] if row else None
