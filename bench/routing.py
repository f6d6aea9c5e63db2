"""Routing throughput: N random points inside Casablanca, routed one by one through
`districts.routing.route()` and in bulk through `route_many()` (one spatial join), next to the
floor: the bare PostGIS point-in-arrondissement join over the same points, in the same run.

Prints figures; asserts nothing about time. Run against a seeded database (`make run` seeds it):

    .venv/bin/python -m bench.routing [--points 100000] [--single N] [--category waste-collection]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from districts.errors import OutsideServiceArea  # noqa: E402
from districts.models import Category  # noqa: E402
from districts.routing import route, route_many  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402

FLOOR_SQL = """
SELECT count(*)
FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) AS t(lon, lat)
JOIN districts_servicearea area
  ON ST_Covers(area.geometry, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))
WHERE area.code LIKE 'arrondissement-%%'
"""


def best_of(repeats: int, work) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument(
        "--single", type=int, default=None, help="points routed one by one (default: all)"
    )
    parser.add_argument("--category", default="waste-collection")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()

    category = Category.objects.get(code=options.category)
    points = random_points_in_city(options.points, seed=options.seed)
    lon_lat = [(point.x, point.y) for point in points]
    params = {"lons": [x for x, _ in lon_lat], "lats": [y for _, y in lon_lat]}

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            return cursor.fetchone()[0]

    floor_seconds, matched = best_of(options.repeats, floor)
    bulk_seconds, bulk = best_of(options.repeats, lambda: route_many(lon_lat, category))

    single_points = points[: options.single] if options.single else points
    single_ids, per_call = [], []
    for point in single_points:
        started = time.perf_counter()
        try:
            single_ids.append(route(point, category).authority.id)
        except OutsideServiceArea:
            single_ids.append(None)
        per_call.append(time.perf_counter() - started)
    single_seconds = sum(per_call)

    n, n_single = len(points), len(single_points)
    floor_rate = n / floor_seconds
    print(f"points: {n} random inside the 16 arrondissements (seed {options.seed})")
    print(f"category: {category.code}; PostgreSQL {connection.pg_version}")
    print(f"floor  (bare PostGIS ST_Covers join, {matched} matches): {floor_rate:12,.0f} points/s")
    print(
        f"bulk   route_many(), one query:          {n / bulk_seconds:12,.0f} points/s"
        f"   ({bulk_seconds / floor_seconds:.2f}x the floor's time)"
    )
    print(
        f"single route() x {n_single}:               {n_single / single_seconds:12,.0f} points/s"
        f"   ({(single_seconds / n_single) / (floor_seconds / n):.1f}x the floor's time per point;"
        f" p50 {statistics.median(per_call) * 1000:.2f} ms,"
        f" p95 {statistics.quantiles(per_call, n=20)[18] * 1000:.2f} ms per call)"
    )
    agree = bulk[:n_single] == single_ids
    print(f"bulk and single agree on all {n_single} points: {agree}")
    if not agree:
        sys.exit("bulk and single routing disagree")


if __name__ == "__main__":
    main()
