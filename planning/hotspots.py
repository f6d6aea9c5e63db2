"""Hotspots: exact DBSCAN clusters over the complaints (EPSG:26191, metres) when the selection is
small enough, else the same rule over the grid's cells (planning.grid_clusters)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from casa_map.replica import replica_alias, replica_connection
from districts.models import Category

from . import grid_clusters
from .caching import cached
from .figures import arrondissement_figures
from .grid import (
    CELL_X_SQL,
    CELL_Y_SQL,
    CITY_LATITUDE,
    EARTH_RADIUS,
    IN_BOX_SQL,
    MAX_ZOOM,
    MIN_ZOOM,
    Bounds,
    cell_metres,
)
from .pyramid import PYRAMID_ROWS_SQL, PYRAMID_WHERE, pyramid_params, received_span
from .selection import SELECTION_WHERE, Selection

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


def cached_hotspots(selection: Selection, metres: int, min_count: int) -> list[Hotspot]:
    return cached(
        "hotspots",
        selection,
        lambda: hotspots(selection, metres=metres, min_count=min_count),
        metres,
        min_count,
    )
