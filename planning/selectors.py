"""The planners' figures, each aggregated by PostGIS in one statement: heat-map cells, complaints
per arrondissement (absolute and per 10,000 inhabitants), hotspots (DBSCAN clusters), weekly
trends and each authority's performance. Nothing here reads a reporter's field.

The heat map and the per-arrondissement counts read the pyramids of counts (planning.models),
exact at every moment and never cached. The other figures are cached (see `cached`) under the
data version of what the selection covers (issues.data_version: an arrondissement, a category or
the city), which every committed change to one of its complaints bumps, and under today's date.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import Sum
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from casa_map.routers import replica_alias, replica_connection
from districts.models import Authority, Category
from issues import data_version
from issues.models import Complaint, QueueTally
from issues.public_view import sensitive_category_ids

from . import grid_clusters
from .selection import SELECTION_WHERE, Selection, local_midnight

CACHE_SECONDS = 60 * 60
EARTH_RADIUS = 6378137.0  # the sphere of EPSG:3857
# One heat cell is this many screen pixels wide at every zoom, so its size in metres halves with
# each zoom level (Leaflet's 256-pixel tiles).
CELL_PIXELS = 16
MIN_ZOOM, MAX_ZOOM = 10, 18  # the heat map's zooms
# The pyramid of counts (planning.HeatCell) goes two levels coarser, for the public map's
# clusters (64 pixels wide: a cell two zooms coarser) at city zooms.
PYRAMID_MIN_ZOOM = 8
# EPSG:3857 stretches lengths by 1/cos(latitude): a cell's true width here is its size times this.
CITY_LATITUDE = 33.57


def cached(
    name: str, selection: Selection, compute: Callable[[], object], *extra, city_wide=False
) -> object:
    """`compute()`, or its cached result for the same selection and `extra` arguments, day and
    data version: that of the selection's arrondissement, else of its category, else the city's
    (`city_wide`: the city's whatever the selection, for figures that read beyond it)."""
    variant = hashlib.sha256(repr((selection.cache_key(), extra)).encode()).hexdigest()[:32]
    scope = data_version.CITY if city_wide else version_scope(selection)
    key = ":".join(
        [
            "planning",
            name,
            scope,
            str(data_version.current(scope)),
            timezone.localdate().isoformat(),
            variant,
        ]
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def version_scope(selection: Selection) -> str:
    """The narrowest data version that changes whenever the selection's complaints do."""
    if selection.arrondissement is not None:
        return data_version.arrondissement_scope(selection.arrondissement.pk)
    if selection.category is not None:
        return data_version.category_scope(selection.category.pk)
    return data_version.CITY


def cell_metres(zoom: int) -> float:
    """Side of a heat cell at this zoom, in EPSG:3857 metres."""
    zoom = min(max(zoom, PYRAMID_MIN_ZOOM), MAX_ZOOM)
    return 2 * math.pi * EARTH_RADIUS / (256 * 2**zoom) * CELL_PIXELS


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

CELL_X_SQL = f"floor(radians(ST_X(c.location)) * {EARTH_RADIUS} / %(size)s::float8)::integer"
CELL_Y_SQL = (
    f"floor(ln(tan(pi() / 4 + radians(ST_Y(c.location)) / 2)) * {EARTH_RADIUS}"
    " / %(size)s::float8)::integer"
)
CELL_OF_COMPLAINT_SQL = f"{CELL_X_SQL} AS gx, {CELL_Y_SQL} AS gy"

IN_BOX_SQL = """(%(west)s::float IS NULL
     OR c.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326))"""

SUM_CELLS_SQL = """
SELECT gx, gy, sum(complaints) AS complaints,
       coalesce(sum(complaints) FILTER (WHERE category_id = ANY(%(sensitive)s)), 0) AS sensitive
FROM counted
GROUP BY 1, 2
"""

# Counted from the complaints: the floor the benchmark compares the pyramids with.
HEAT_CELLS_SQL = f"""
WITH counted AS (
    SELECT {CELL_OF_COMPLAINT_SQL}, c.category_id, 1 AS complaints
    FROM issues_complaint c
    WHERE {SELECTION_WHERE} AND {IN_BOX_SQL}
), cells AS ({SUM_CELLS_SQL})
{CELL_CENTRES_SQL}"""

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

HEAT_CELLS_FROM_PYRAMID_SQL = f"""
WITH counted AS ({PYRAMID_ROWS_SQL}), cells AS ({SUM_CELLS_SQL})
{CELL_CENTRES_SQL}"""


@dataclass(frozen=True)
class Bounds:
    west: float
    south: float
    east: float
    north: float


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


def received_span(selection: Selection, week: date | None = None) -> Received:
    """One week received (the week slider), the selection's window, or all time."""
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


ARRONDISSEMENT_FIGURES_SQL = f"""
SELECT a.slug, a.name_fr, a.name_ar, a.population_2024, coalesce(counted.complaints, 0)
FROM districts_authority a
LEFT JOIN (
    SELECT c.arrondissement_id, count(*) AS complaints
    FROM issues_complaint c
    WHERE {SELECTION_WHERE}
    GROUP BY 1
) AS counted ON counted.arrondissement_id = a.id
WHERE a.kind = 'arrondissement'
ORDER BY a.name_fr
"""


# The same counts from the pyramids' coarsest level (a few thousand rows, no complaint read but
# the few days of a window before its first whole week).
ARRONDISSEMENT_FIGURES_FROM_PYRAMID_SQL = f"""
SELECT a.slug, a.name_fr, a.name_ar, a.population_2024, coalesce(counted.complaints, 0)
FROM districts_authority a
LEFT JOIN (
    SELECT arrondissement_id, sum(complaints) AS complaints
    FROM (
        SELECT h.arrondissement_id, h.complaints
        FROM planning_heatcell h
        WHERE %(first_week)s::date IS NULL AND {PYRAMID_WHERE}
        UNION ALL
        SELECT h.arrondissement_id, h.complaints
        FROM planning_heatweekcell h
        WHERE %(first_week)s::date IS NOT NULL AND h.week >= %(first_week)s AND {PYRAMID_WHERE}
        UNION ALL
        SELECT c.arrondissement_id, 1
        FROM issues_complaint c
        WHERE %(edge_from)s::timestamptz IS NOT NULL
          AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s AND {SELECTION_WHERE}
    ) AS parts
    GROUP BY 1
) AS counted ON counted.arrondissement_id = a.id
WHERE a.kind = 'arrondissement'
ORDER BY a.name_fr
"""


def arrondissement_figures(selection: Selection) -> list[dict]:
    """Complaints located in each arrondissement, absolute and per 10,000 inhabitants (2024
    census population, HCP RGPH 2024). Read from the pyramid of counts when it can answer."""
    if reads_pyramid(selection):
        received = received_span(selection)
        # The weekly pyramid's coarsest level is the heat map's first zoom.
        zoom = PYRAMID_MIN_ZOOM if received.first_week is None else MIN_ZOOM
        sql = ARRONDISSEMENT_FIGURES_FROM_PYRAMID_SQL
        params = pyramid_params(selection, zoom=zoom, bounds=None, received=received)
    else:
        sql, params = ARRONDISSEMENT_FIGURES_SQL, selection.sql_params()
    with replica_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {
            "slug": slug,
            "name_fr": name_fr,
            "name_ar": name_ar,
            "population_2024": population,
            "complaints": complaints,
            "per_10k": round(complaints * 10_000 / population, 2) if population else None,
        }
        for slug, name_fr, name_ar, population, complaints in rows
    ]


# DBSCAN in metres needs a metric projection: EPSG:26191 (Merchich / Nord Maroc, Lambert
# conformal, the national grid that covers Casablanca) keeps distances true here to within 0.1 %.
HOTSPOTS_SQL = f"""
WITH selected AS (
    SELECT c.category_id, c.created_at, c.reference,
           ST_Transform(c.location, 26191) AS position
    FROM issues_complaint c
    WHERE {SELECTION_WHERE}
), clustered AS (
    SELECT *, ST_ClusterDBSCAN(position, eps := %(metres)s, minpoints := %(min_count)s)
                  OVER () AS cluster
    FROM selected
), hotspots AS (
    SELECT cluster,
           count(*) AS complaints,
           mode() WITHIN GROUP (ORDER BY category_id) AS category_id,
           min(created_at) AS oldest,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at) AS median_created,
           ST_Centroid(ST_Collect(position)) AS centre,
           ST_Collect(position) AS members,
           (array_agg(reference ORDER BY created_at DESC))[1:%(references)s] AS newest
    FROM clustered
    WHERE cluster IS NOT NULL
    GROUP BY cluster
)
SELECT complaints, category_id, oldest, median_created,
       ST_Y(ST_Transform(centre, 4326)), ST_X(ST_Transform(centre, 4326)),
       ceil(ST_MaxDistance(centre, members)),
       newest
FROM hotspots
ORDER BY complaints DESC, oldest
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Hotspot:
    complaints: int
    category: Category
    oldest_days: int
    median_age_days: int
    lat: float
    lon: float
    radius_m: int
    newest_references: tuple[str, ...]
    method: str  # "dbscan" (every complaint) or "grid" (cells of the pyramid)

    def public(self) -> dict:
        """What anyone may see: no reference, no exact member position."""
        return {
            "complaints": self.complaints,
            "category": self.category.code,
            "category_name": str(self.category.name),
            "oldest_days": self.oldest_days,
            "median_age_days": self.median_age_days,
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "method": self.method,
        }


def hotspots_query(selection: Selection, *, metres: float, min_count: int, limit: int = 50):
    return HOTSPOTS_SQL, {
        **selection.sql_params(),
        "metres": metres,
        # A cluster is never smaller than the privacy minimum.
        "min_count": max(min_count, settings.PRIVACY_MIN_COUNT),
        "references": 20,
        "limit": limit,
    }


class DbscanTooSlow(Exception):
    """ST_ClusterDBSCAN ran longer than HOTSPOT_TIMEOUT_MS and was stopped."""


def hotspots(
    selection: Selection, *, metres: float, min_count: int, limit: int = 50
) -> list[Hotspot]:
    """Clusters of at least `min_count` complaints within `metres` of each other, biggest first,
    each with its dominant category, size, age and extent: exact DBSCAN over the complaints
    while the selection holds at most HOTSPOT_MAX_COMPLAINTS and DBSCAN answers within
    HOTSPOT_TIMEOUT_MS, otherwise the same density rule over the pyramid's cells
    (grid_hotspots), whatever the number of complaints."""
    if selection_size(selection) <= settings.HOTSPOT_MAX_COMPLAINTS:
        try:
            return dbscan_hotspots(selection, metres=metres, min_count=min_count, limit=limit)
        except DbscanTooSlow:
            pass
    return grid_hotspots(selection, metres=metres, min_count=min_count, limit=limit)


def selection_size(selection: Selection) -> int:
    return sum(row["complaints"] for row in arrondissement_figures(selection))


def _fetch_with_settings(sql: str, params: dict, **values) -> list[tuple]:
    """The rows of one statement run with PostgreSQL settings changed for it alone. Inside an
    outer transaction the block is a savepoint, and releasing a savepoint keeps a SET LOCAL: the
    caller's values are put back once the statement has answered."""
    with (
        transaction.atomic(using=replica_alias()),
        replica_connection().cursor() as cursor,
    ):
        callers = {}
        for name, value in values.items():
            cursor.execute("SELECT current_setting(%s)", [name])
            callers[name] = cursor.fetchone()[0]
            cursor.execute("SELECT set_config(%s, %s, true)", [name, str(value)])
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        for name, value in callers.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    return rows


def dbscan_hotspots(
    selection: Selection, *, metres: float, min_count: int, limit: int = 50
) -> list[Hotspot]:
    """ST_ClusterDBSCAN over every complaint of the selection. Its cost grows with the number
    of points times their density (each point meets every neighbour within `metres`): 1.3 s for
    77,000 open complaints, 45 s for a million, and PostGIS does not interrupt it midway; a run
    longer than HOTSPOT_TIMEOUT_MS is stopped at PostgreSQL's next check (DbscanTooSlow)."""
    sql, params = hotspots_query(selection, metres=metres, min_count=min_count, limit=limit)
    try:
        rows = _fetch_with_settings(sql, params, statement_timeout=settings.HOTSPOT_TIMEOUT_MS)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            raise DbscanTooSlow() from error
        raise
    categories = Category.objects.in_bulk([row[1] for row in rows])
    now = timezone.now()
    return [
        Hotspot(
            complaints=complaints,
            category=categories[category_id],
            oldest_days=(now - oldest).days,
            median_age_days=(now - median_created).days,
            lat=round(lat, 6),
            lon=round(lon, 6),
            radius_m=int(radius),
            newest_references=tuple(newest),
            method="dbscan",
        )
        for (
            complaints,
            category_id,
            oldest,
            median_created,
            lat,
            lon,
            radius,
            newest,
        ) in rows
    ]


# Grid hotspots (DBSCAN's rule on the cells of one level of the pyramids, planning.grid_clusters)
# read two things, never complaint rows but the few days of a window before its first whole week:
# every non-empty cell's count, then the complaints of the biggest clusters' cells by week
# received and category, from the weekly pyramid (which holds every complaint the cells count).
GRID_CELLS_SQL = f"""
SELECT gx, gy, sum(complaints)::bigint
FROM ({PYRAMID_ROWS_SQL}) AS counted
GROUP BY 1, 2
"""

# A cell's (gx, gy) as one number (|gy| < 2^21 at zoom 18). Grouped by it, the members are known
# to be unique, so PostgreSQL hashes them rather than the far bigger weekly rows; left inline (not
# materialized), so that their estimate reaches the planner (a merge join otherwise: 750 against
# 290 ms for the 50 biggest hotspots of a million reports).
CELL_KEY_SQL = "({gx})::bigint * 8388608 + ({gy}) + 4194304"

GRID_WEEKS_SQL = f"""
WITH members AS NOT MATERIALIZED (
    SELECT key, min(cluster) AS cluster
    FROM unnest(%(member_key)s::bigint[], %(member_cluster)s::integer[]) AS m(key, cluster)
    GROUP BY 1
)
SELECT cluster, week, category_id, sum(complaints)::bigint
FROM (
    SELECT m.cluster, h.week, h.category_id, h.complaints
    FROM planning_heatweekcell h
    JOIN members m ON m.key = {CELL_KEY_SQL.format(gx="h.gx", gy="h.gy")}
    WHERE h.week >= coalesce(%(first_week)s, '-infinity'::date)
      AND h.week <= coalesce(%(last_week)s, 'infinity'::date)
      AND {PYRAMID_WHERE}
    UNION ALL
    SELECT m.cluster, planning_week_of(c.created_at), c.category_id, 1
    FROM issues_complaint c
    JOIN members m ON m.key = {CELL_KEY_SQL.format(gx=CELL_X_SQL, gy=CELL_Y_SQL)}
    WHERE %(edge_from)s::timestamptz IS NOT NULL
      AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s AND {SELECTION_WHERE}
) AS received
GROUP BY 1, 2, 3
"""


def cell_keys(gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """CELL_KEY_SQL in numpy."""
    return gx.astype(np.int64) * 8388608 + gy + 4194304


# The newest complaints of the selection in a hotspot's box, for the staff's links. One statement
# per box: PostgreSQL then plans each box by its size (the newest first for a box as wide as the
# city, the box's own complaints for a street); one statement for all the boxes was planned for
# the small ones and took 3 s at a million reports.
NEWEST_IN_BOX_SQL = f"""
SELECT c.reference
FROM issues_complaint c
WHERE {SELECTION_WHERE} AND {IN_BOX_SQL}
ORDER BY c.created_at DESC, c.id DESC
LIMIT 20
"""


def grid_level(metres: float) -> int:
    """The finest level of the weekly pyramid whose cells are at least half the DBSCAN
    distance wide: a core cell's neighbourhood then spans one or two cells each way."""
    scale = math.cos(math.radians(CITY_LATITUDE))
    for zoom in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        if cell_metres(zoom) * scale >= metres / 2:
            return zoom
    return MIN_ZOOM


def grid_hotspots(
    selection: Selection, *, metres: float, min_count: int, limit: int = 50
) -> list[Hotspot]:
    """DBSCAN's rule applied to the cells of the pyramids (planning.grid_clusters): its cost
    follows the number of non-empty cells, not of complaints, so the whole city at a million
    open reports is answered. Ages are counted from the Monday of the week received."""
    zoom = grid_level(metres)
    true_width = cell_metres(zoom) * math.cos(math.radians(CITY_LATITUDE))
    params = pyramid_params(selection, zoom=zoom, bounds=None, received=received_span(selection))
    cells = _fetch_with_settings(GRID_CELLS_SQL, params, work_mem="64MB")
    if not cells:
        return []
    gx, gy, counts = (np.array(column, dtype=np.int64) for column in zip(*cells, strict=True))
    number_of = grid_clusters.cluster_cells(
        gx,
        gy,
        counts,
        reach=metres / true_width,
        min_count=max(min_count, settings.PRIVACY_MIN_COUNT),
    )
    clusters = grid_clusters.describe(gx, gy, counts, number_of)[:limit]
    if not clusters:
        return []
    top = np.isin(number_of, [cluster.number for cluster in clusters])
    params |= {
        "member_key": cell_keys(gx[top], gy[top]).tolist(),
        "member_cluster": number_of[top].tolist(),
    }
    by_week_and_category = _fetch_with_settings(GRID_WEEKS_SQL, params, work_mem="64MB", jit="off")
    dominant = _dominant_categories(by_week_and_category)
    weeks: dict[int, list[tuple[date, int]]] = {}
    for number, week, _category, complaints in by_week_and_category:
        weeks.setdefault(number, []).append((week, complaints))
    categories = Category.objects.in_bulk(set(dominant.values()))
    today = timezone.localdate()
    size = params["size"]
    found = []
    for cluster in clusters:
        oldest, median = _oldest_and_median_week(weeks[cluster.number], cluster.complaints)
        lat, lon = _grid_to_degrees(cluster.centre_x, cluster.centre_y, size)
        south, west = _grid_to_degrees(cluster.min_gx, cluster.min_gy, size)
        north, east = _grid_to_degrees(cluster.max_gx + 1, cluster.max_gy + 1, size)
        found.append(
            Hotspot(
                complaints=cluster.complaints,
                category=categories[dominant[cluster.number]],
                oldest_days=(today - oldest).days,
                median_age_days=(today - median).days,
                lat=round(lat, 6),
                lon=round(lon, 6),
                # To the farthest member cell's far corner.
                radius_m=math.ceil((cluster.extent + math.sqrt(2) / 2) * true_width),
                newest_references=_newest_in_box(selection, Bounds(west, south, east, north)),
                method="grid",
            )
        )
    # Biggest first; among equals, the oldest first.
    found.sort(key=lambda hotspot: (-hotspot.complaints, -hotspot.oldest_days))
    return found


def _dominant_categories(rows: list[tuple[int, date, int, int]]) -> dict[int, int]:
    """Each cluster's category with the most complaints (the lowest id among equals), from its
    (cluster, week, category, complaints) rows."""
    totals: dict[int, dict[int, int]] = {}
    for cluster, _week, category_id, complaints in rows:
        by_category = totals.setdefault(cluster, {})
        by_category[category_id] = by_category.get(category_id, 0) + complaints
    return {
        cluster: min(by_category, key=lambda category_id: (-by_category[category_id], category_id))
        for cluster, by_category in totals.items()
    }


def _oldest_and_median_week(weeks: list[tuple[date, int]], complaints: int) -> tuple[date, date]:
    """The first week with a complaint, and the week by which half of them were received."""
    totals: dict[date, int] = {}
    for week, n in weeks:
        totals[week] = totals.get(week, 0) + n
    weeks = sorted((week, n) for week, n in totals.items() if n > 0)
    running = 0
    for week, n in weeks:
        running += n
        if 2 * running >= complaints:
            return weeks[0][0], week
    raise ValueError("the weekly counts hold fewer complaints than the cells")


def _grid_to_degrees(gx: float, gy: float, size: float) -> tuple[float, float]:
    """(lat, lon) of a point of the EPSG:3857 grid given in cell widths."""
    lon = math.degrees(gx * size / EARTH_RADIUS)
    lat = math.degrees(2 * math.atan(math.exp(gy * size / EARTH_RADIUS)) - math.pi / 2)
    return lat, lon


def _newest_in_box(selection: Selection, box: Bounds) -> tuple[str, ...]:
    """The references of the selection's newest 20 complaints in the box (newest first)."""
    with replica_connection().cursor() as cursor:
        cursor.execute(NEWEST_IN_BOX_SQL, selection.sql_params() | asdict(box))
        return tuple(row[0] for row in cursor.fetchall())


# Received per week from the weekly pyramid's coarsest level (and the days of a window before its
# first whole week, from the complaints); resolved per week counted from the complaints.
WEEKLY_TRENDS_SQL = f"""
WITH weeks AS (
    SELECT generate_series(%(trend_start)s::date, %(this_week)s::date, interval '1 week')::date
        AS week
), opened AS (
    SELECT week, sum(complaints) AS n
    FROM (
        SELECT h.week, h.complaints
        FROM planning_heatweekcell h
        WHERE h.week >= %(first_week)s AND {PYRAMID_WHERE}
        UNION ALL
        SELECT planning_week_of(c.created_at), 1
        FROM issues_complaint c
        WHERE %(edge_from)s::timestamptz IS NOT NULL
          AND c.created_at >= %(edge_from)s AND c.created_at < %(edge_to)s
          AND {SELECTION_WHERE}
    ) AS received
    GROUP BY 1
), resolved AS (
    SELECT planning_week_of(c.resolved_at) AS week, count(*) AS n
    FROM issues_complaint c
    WHERE {SELECTION_WHERE} AND c.resolved_at >= %(resolved_from)s
    GROUP BY 1
)
SELECT weeks.week, coalesce(opened.n, 0), coalesce(resolved.n, 0)
FROM weeks
LEFT JOIN opened ON opened.week = weeks.week
LEFT JOIN resolved ON resolved.week = weeks.week
ORDER BY 1
"""


def weekly_trends(selection: Selection, *, weeks: int = 26) -> list[dict]:
    """Complaints received and resolved per week (Monday), over the last `weeks` whole weeks.
    Every status counts here: a complaint resolved since is still one received that week."""
    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    trend_start = this_week - timedelta(weeks=weeks - 1)
    every_status = replace(selection, statuses=tuple(Complaint.Status.values))
    received = received_span(every_status)
    if received.first_week is None or received.first_week <= trend_start:
        received = Received(first_week=trend_start)
    params = pyramid_params(every_status, zoom=MIN_ZOOM, bounds=None, received=received) | {
        "trend_start": trend_start,
        "this_week": this_week,
        "resolved_from": max(
            local_midnight(trend_start), received.edge_from or local_midnight(trend_start)
        ),
    }
    with replica_connection().cursor() as cursor:
        cursor.execute(WEEKLY_TRENDS_SQL, params)
        rows = cursor.fetchall()
    return [
        {"week": week.isoformat(), "received": received, "resolved": resolved}
        for week, received, resolved in rows
    ]


PERFORMANCE_SQL = f"""
SELECT c.authority_id,
       count(*) AS received,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM c.acknowledged_at - c.created_at) / 86400)
           FILTER (WHERE c.acknowledged_at IS NOT NULL) AS median_acknowledge_days,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM c.resolved_at - c.created_at) / 86400)
           FILTER (WHERE c.resolved_at IS NOT NULL) AS median_resolve_days,
       sum(c.reopen_count) AS reopened,
       avg(c.satisfaction) AS satisfaction,
       count(c.satisfaction) AS ratings
FROM issues_complaint c
WHERE {SELECTION_WHERE}
GROUP BY 1
"""


def authority_performance(selection: Selection, *, today: date | None = None) -> list[dict]:
    """Per authority: complaints received, median days to acknowledge and to resolve, reopened
    complaints, mean satisfaction (1–5) and, from the queue tallies, the share of its open
    complaints that is overdue today."""
    today = today or timezone.localdate()
    params = {**selection.sql_params(), "statuses": list(Complaint.Status.values)}
    with replica_connection().cursor() as cursor:
        cursor.execute(PERFORMANCE_SQL, params)
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    tallies = {
        row["authority_id"]: row
        for row in QueueTally.objects.filter(status__in=Complaint.OPEN_STATUSES)
        .values("authority_id")
        .annotate(
            open=Sum("complaints"),
            overdue=Sum("complaints", filter=Complaint.overdue_condition(today)),
        )
    }
    result = []
    for authority in Authority.objects.filter(pk__in=set(rows) | set(tallies)).order_by(
        "kind", "name_fr"
    ):
        received, ack_days, resolve_days, reopened, satisfaction, ratings = rows.get(
            authority.pk, (0, None, None, 0, None, 0)
        )
        tally = tallies.get(authority.pk, {"open": 0, "overdue": 0})
        open_count, overdue = tally["open"] or 0, tally["overdue"] or 0
        result.append(
            {
                "slug": authority.slug,
                "name_fr": authority.name_fr,
                "name_ar": authority.name_ar,
                "received": received,
                "median_acknowledge_days": _round(ack_days),
                "median_resolve_days": _round(resolve_days),
                "open": open_count,
                "overdue": overdue,
                "overdue_share": round(overdue / open_count, 3) if open_count else None,
                "reopened": reopened or 0,
                "satisfaction": _round(satisfaction),
                "ratings": ratings,
            }
        )
    return result


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


# The figures that depend on the selection alone, by name (also the export names).
FIGURES = {
    "arrondissements": arrondissement_figures,
    "trends": weekly_trends,
    "performance": authority_performance,
}


def figure(name: str, selection: Selection) -> list[dict]:
    """The per-arrondissement counts read from the pyramids are exact and cheap: never cached.
    Performance reads every authority's queue tallies, whatever the selection."""
    if name == "arrondissements" and reads_pyramid(selection):
        return FIGURES[name](selection)
    return cached(
        name, selection, lambda: FIGURES[name](selection), city_wide=name == "performance"
    )


def cached_hotspots(selection: Selection, metres: int, min_count: int) -> list[Hotspot]:
    return cached(
        "hotspots",
        selection,
        lambda: hotspots(selection, metres=metres, min_count=min_count),
        metres,
        min_count,
    )
