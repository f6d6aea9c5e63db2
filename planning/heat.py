"""The heat map's cells (and the public map's clusters): counts per grid cell read from the
pyramids (or counted from the complaints for other sets of statuses), with the privacy rule for
sensitive categories."""

from __future__ import annotations

import math
from datetime import date

from django.conf import settings

from casa_map.replica import replica_connection
from issues.public_view import sensitive_category_ids

from .grid import (
    CELL_OF_COMPLAINT_SQL,
    CITY_LATITUDE,
    EARTH_RADIUS,
    IN_BOX_SQL,
    MAX_ZOOM,
    MIN_ZOOM,
    PYRAMID_MIN_ZOOM,
    Bounds,
)
from .pyramid import (
    PYRAMID_ROWS_SQL,
    PYRAMID_WHERE,
    SUM_CELLS_SQL,
    Received,
    pyramid_params,
    reads_pyramid,
    received_span,
)
from .selection import SELECTION_WHERE, Selection

# Cells of a square grid in EPSG:3857. The projection is written out (x = R·λ,
# y = R·ln tan(π/4 + φ/2), EPSG:3857's spherical formulas) rather than calling ST_Transform per
# point, which costs more than the whole aggregation; the few cell centres go back the same way,
# in double precision (psycopg2 sends a Python float as a numeric literal: without the casts the
# centres of 11,000 cells took 33 ms of numeric exp/atan, more than the scan).
# Sensitive categories are left out of a cell where they are fewer than the privacy minimum.
CELL_CENTRES_SQL = f"""
SELECT round(degrees(2 * atan(exp((gy + 0.5) * %(size)s::float8 / {EARTH_RADIUS}))
                     - pi() / 2) * 1e6) / 1e6 AS lat,
       round(degrees((gx + 0.5) * %(size)s::float8 / {EARTH_RADIUS}) * 1e6) / 1e6 AS lon,
       complaints - CASE WHEN sensitive < %(privacy_min)s THEN sensitive ELSE 0 END AS shown,
       CASE WHEN sensitive < %(privacy_min)s THEN sensitive ELSE 0 END AS suppressed
FROM cells
"""


# Counted from the complaints: the floor the benchmark compares the pyramids with.
HEAT_CELLS_SQL = f"""
WITH counted AS (
    SELECT {CELL_OF_COMPLAINT_SQL}, c.category_id, 1 AS complaints
    FROM issues_complaint c
    WHERE {SELECTION_WHERE} AND {IN_BOX_SQL}
), cells AS ({SUM_CELLS_SQL})
{CELL_CENTRES_SQL}"""


HEAT_CELLS_FROM_PYRAMID_SQL = f"""
WITH counted AS ({PYRAMID_ROWS_SQL}), cells AS ({SUM_CELLS_SQL})
{CELL_CENTRES_SQL}"""


def heat_cells_query(
    selection: Selection, *, zoom: int, bounds: Bounds | None, week: date | None = None
) -> tuple[str, dict]:
    """The heat map's SQL and parameters (the benchmark runs the same statement bare)."""
    zoom = min(max(zoom, PYRAMID_MIN_ZOOM), MAX_ZOOM)
    received = received_span(selection, week)
    if received.first_week is not None:
        zoom = max(zoom, MIN_ZOOM)  # the weekly pyramid starts at the heat map's first zoom
    sql = HEAT_CELLS_FROM_PYRAMID_SQL if reads_pyramid(selection) else HEAT_CELLS_SQL
    return sql, {
        **pyramid_params(selection, zoom=zoom, bounds=bounds, received=received),
        "sensitive": sensitive_category_ids(),
        "privacy_min": settings.PRIVACY_MIN_COUNT,
    }


def heat_cells(
    selection: Selection, *, zoom: int, bounds: Bounds | None = None, week: date | None = None
) -> dict:
    """`{"cell_metres", "cells": [[lat, lon, complaints], …], "max", "total", "suppressed"}`:
    one entry per non-empty grid cell (never one per complaint), of the complaints received in
    `week` (a Monday) if given."""
    sql, params = heat_cells_query(selection, zoom=zoom, bounds=bounds, week=week)
    with replica_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    cells = [[lat, lon, shown] for lat, lon, shown, _ in rows if shown > 0]
    return {
        "cell_metres": round(params["size"] * math.cos(math.radians(CITY_LATITUDE)), 1),
        "cells": cells,
        "max": max((cell[2] for cell in cells), default=0),
        "total": sum(cell[2] for cell in cells),
        "suppressed": sum(row[3] for row in rows),
    }


# The fullest cell of any one week (the week player's fixed colour scale): the weekly pyramid's
# cells of the whole city summed per week, with the same privacy rule as the cells themselves.
WEEKLY_SCALE_SQL = f"""
WITH cells AS (
    SELECT h.week, h.gx, h.gy, sum(h.complaints) AS complaints,
           coalesce(sum(h.complaints) FILTER (WHERE h.category_id = ANY(%(sensitive)s)), 0)
               AS sensitive
    FROM planning_heatweekcell h
    WHERE h.week >= %(first_week)s AND h.week <= %(last_week)s AND {PYRAMID_WHERE}
    GROUP BY 1, 2, 3
)
SELECT coalesce(max(complaints - CASE WHEN sensitive < %(privacy_min)s THEN sensitive ELSE 0 END),
                0)
FROM cells
"""


def weekly_scale_max(selection: Selection, *, zoom: int, weeks: list[date]) -> int:
    """The most complaints any cell of the city holds in any one of `weeks` (Mondays) at this
    zoom: the top of the colour scale shared by every week, so that weeks can be compared (the
    same in every week's answer, and while the map pans). The selection's window does not apply:
    each week takes its place. Selections the weekly pyramid answers only (open or all
    complaints, as every form gives)."""
    zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
    params = {
        **pyramid_params(
            selection,
            zoom=zoom,
            bounds=None,
            received=Received(first_week=min(weeks), last_week=max(weeks)),
        ),
        "sensitive": sensitive_category_ids(),
        "privacy_min": settings.PRIVACY_MIN_COUNT,
    }
    with replica_connection().cursor() as cursor:
        cursor.execute(WEEKLY_SCALE_SQL, params)
        return cursor.fetchone()[0]
