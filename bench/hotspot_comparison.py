"""How closely the grid hotspots (planning.selectors.grid_hotspots) follow exact DBSCAN on the
same selection: used by the test that bounds the difference and by the benchmark that prints it
at a million reports."""

from __future__ import annotations

import math
import statistics

from django.conf import settings
from django.db import connection

from planning import selectors
from planning.selection import SELECTION_WHERE, Selection

# Each complaint of an exact DBSCAN hotspot, and whether it lies within a grid hotspot's
# radius of its centre (distances in EPSG:26191 metres, as DBSCAN's).
COVERAGE_SQL = f"""
WITH members AS (
    SELECT position
    FROM (
        SELECT ST_Transform(c.location, 26191) AS position,
               ST_ClusterDBSCAN(ST_Transform(c.location, 26191),
                                eps := %(metres)s, minpoints := %(min_count)s) OVER () AS cluster
        FROM issues_complaint c
        WHERE {SELECTION_WHERE}
    ) AS clustered
    WHERE cluster IS NOT NULL
), grid AS (
    SELECT ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 26191) AS centre, radius
    FROM unnest(%(lons)s::float[], %(lats)s::float[], %(radii)s::float[]) AS g(lon, lat, radius)
)
SELECT count(*),
       count(*) FILTER (WHERE EXISTS (
           SELECT FROM grid WHERE ST_DWithin(members.position, grid.centre, grid.radius)))
FROM members
"""


def compare_hotspot_methods(selection: Selection, *, metres: float, min_count: int) -> dict:
    """Both methods on every hotspot of the selection: how many each finds, the share of the
    complaints in exact hotspots that fall within a grid hotspot, the distance from each exact
    hotspot's centre to the nearest grid hotspot's centre, and the ratio of complaints counted
    in hotspots (grid / exact)."""
    exact = selectors.dbscan_hotspots(selection, metres=metres, min_count=min_count, limit=10_000)
    grid = selectors.grid_hotspots(selection, metres=metres, min_count=min_count, limit=10_000)
    params = selection.sql_params() | {
        "metres": metres,
        "min_count": max(min_count, settings.PRIVACY_MIN_COUNT),
        "lons": [hotspot.lon for hotspot in grid],
        "lats": [hotspot.lat for hotspot in grid],
        "radii": [float(hotspot.radius_m) for hotspot in grid],
    }
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL, params)
        members, covered = cursor.fetchone()
    distances = [min((_metres_between(e, g) for g in grid), default=math.inf) for e in exact]
    return {
        "dbscan_hotspots": len(exact),
        "grid_hotspots": len(grid),
        "dbscan_members": members,
        "covered_share": covered / members if members else 1.0,
        "centre_distance_median_m": statistics.median(distances) if distances else 0.0,
        "centre_distance_max_m": max(distances, default=0.0),
        "complaints_ratio": (
            sum(g.complaints for g in grid) / sum(e.complaints for e in exact) if exact else None
        ),
    }


def _metres_between(a: selectors.Hotspot, b: selectors.Hotspot) -> float:
    """Equirectangular distance: exact to a few centimetres over a city."""
    north = math.radians(b.lat - a.lat) * selectors.EARTH_RADIUS
    east = (
        math.radians(b.lon - a.lon)
        * selectors.EARTH_RADIUS
        * math.cos(math.radians((a.lat + b.lat) / 2))
    )
    return math.hypot(north, east)
