"""Reading the pyramids of counts (planning.HeatCell, planning.HeatWeekCell; published
complaints only, kept exact by triggers): which rows a selection keeps, by zoom, category,
arrondissement, box and weeks received, and the few days of a window counted from the
complaints themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Sum

from issues.models import Complaint

from .grid import (
    CELL_OF_COMPLAINT_SQL,
    EARTH_RADIUS,
    IN_BOX_SQL,
    PYRAMID_MIN_ZOOM,
    Bounds,
    cell_metres,
)
from .models import HeatCell
from .selection import SELECTION_WHERE, Selection, local_midnight

SUM_CELLS_SQL = """
SELECT gx, gy, sum(complaints) AS complaints,
       coalesce(sum(complaints) FILTER (WHERE category_id = ANY(%(sensitive)s)), 0) AS sensitive
FROM counted
GROUP BY 1, 2
"""


# The rows of a pyramid (planning.HeatCell or HeatWeekCell, aliased h) that a selection keeps.
# A box keeps every cell it overlaps (integer bounds, so the (zoom, …, gx, gy) index narrows the
# scan).
PYRAMID_WHERE = f"""
    h.zoom = %(zoom)s
    AND (h.is_open OR NOT %(open_only)s)
    AND (%(category_id)s::bigint IS NULL OR h.category_id = %(category_id)s)
    AND (%(arrondissement_id)s::bigint IS NULL OR h.arrondissement_id = %(arrondissement_id)s)
    AND (%(west)s::float IS NULL OR (
        h.gx BETWEEN floor(radians(%(west)s) * {EARTH_RADIUS} / %(size)s)::integer
                 AND floor(radians(%(east)s) * {EARTH_RADIUS} / %(size)s)::integer
        AND h.gy BETWEEN floor(ln(tan(pi() / 4 + radians(%(south)s) / 2)) * {EARTH_RADIUS}
                               / %(size)s)::integer
                     AND floor(ln(tan(pi() / 4 + radians(%(north)s) / 2)) * {EARTH_RADIUS}
                               / %(size)s)::integer))
"""

# Every complaint the selection keeps, as (gx, gy, category_id, complaints) rows read from the
# pyramids, never from complaint rows except the few days of a window before its first whole
# week (see Received):
# - no window: planning_heatcell;
# - a window or one week: planning_heatweekcell's whole weeks from first_week to last_week, and
#   the complaints received from edge_from to edge_to counted directly.
PYRAMID_ROWS_SQL = f"""
SELECT h.gx, h.gy, h.category_id, h.complaints
FROM planning_heatcell h
WHERE %(first_week)s::date IS NULL AND {PYRAMID_WHERE}
UNION ALL
SELECT h.gx, h.gy, h.category_id, h.complaints
FROM planning_heatweekcell h
WHERE %(first_week)s::date IS NOT NULL AND h.week >= %(first_week)s
  AND (%(last_week)s::date IS NULL OR h.week <= %(last_week)s)
  AND {PYRAMID_WHERE}
UNION ALL
SELECT {CELL_OF_COMPLAINT_SQL}, c.category_id, 1
FROM issues_complaint c
WHERE %(edge_from)s::timestamptz IS NOT NULL
  AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s
  AND {SELECTION_WHERE} AND {IN_BOX_SQL}
"""


@dataclass(frozen=True)
class Received:
    """Which complaints, by when they were received, a read of the pyramids covers: the whole
    weeks from `first_week` to `last_week` (Mondays; no last week: up to now) read from the
    weekly pyramid, and the complaints received from `edge_from` to `edge_to` (the days of a
    window before its first whole week, at most six) counted directly. No first week: all time,
    read from the all-time pyramid."""

    first_week: date | None = None
    last_week: date | None = None
    edge_from: datetime | None = None
    edge_to: datetime | None = None

    def sql_params(self) -> dict:
        return {
            "first_week": self.first_week,
            "last_week": self.last_week,
            "edge_from": self.edge_from,
            "edge_to": self.edge_to,
        }


# A first week no pyramid row reaches: the pyramids' part of a read is then empty and the
# complaints from edge_from to edge_to are counted directly.
NO_WEEK = date(9999, 12, 27)
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def counted_directly(selection: Selection) -> bool:
    """The pyramids count whole weeks of whole cells up to now: a period that ends before
    today, or a box (applied to each report's public position), is counted from the
    complaints themselves (the same statements, their pyramid part left empty)."""
    return selection.until is not None or selection.box is not None


def received_span(selection: Selection, week: date | None = None) -> Received:
    """One week received (the week slider), the selection's window, or all time."""
    if counted_directly(selection):
        start = local_midnight(selection.since) if selection.since else FAR_PAST
        end = local_midnight(selection.until + timedelta(days=1)) if selection.until else FAR_FUTURE
        if week is not None:
            start = max(start, local_midnight(week))
            end = min(end, local_midnight(week + timedelta(weeks=1)))
        return Received(first_week=NO_WEEK, edge_from=start, edge_to=max(start, end))
    if week is not None:
        return Received(first_week=week, last_week=week)
    if selection.since is None:
        return Received()
    first_week = selection.since + timedelta(days=-selection.since.weekday() % 7)
    if first_week == selection.since:
        return Received(first_week=first_week)
    return Received(
        first_week=first_week,
        edge_from=local_midnight(selection.since),
        edge_to=local_midnight(first_week),
    )


def reads_pyramid(selection: Selection) -> bool:
    """The pyramids answer open or all complaints, by category, arrondissement and week
    received; another set of statuses is counted from the complaints themselves."""
    return selection.open_only or set(selection.statuses) == set(Complaint.Status.values)


def pyramid_params(
    selection: Selection, *, zoom: int, bounds: Bounds | None, received: Received
) -> dict:
    box = bounds or Bounds(None, None, None, None)
    return {
        **selection.sql_params(),
        **received.sql_params(),
        "zoom": zoom,
        "open_only": selection.open_only,
        "size": cell_metres(zoom),
        "west": box.west,
        "south": box.south,
        "east": box.east,
        "north": box.north,
    }


def published_count(
    *, category_id=None, arrondissement_id=None, is_open: bool | None = None
) -> int:
    """How many published complaints (what the public may see) have this category, lie in this
    arrondissement and are open or not (None: any), summed from the pyramid's coarsest level
    (a few hundred rows, kept exact by triggers) instead of counting complaint rows."""
    cells = HeatCell.objects.filter(zoom=PYRAMID_MIN_ZOOM)
    if category_id is not None:
        cells = cells.filter(category_id=category_id)
    if arrondissement_id is not None:
        cells = cells.filter(arrondissement_id=arrondissement_id)
    if is_open is not None:
        cells = cells.filter(is_open=is_open)
    return cells.aggregate(total=Sum("complaints"))["total"] or 0
