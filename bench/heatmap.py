"""Maps while the city keeps reporting (issue #12): at least N open complaints (default
1,000,000), a writer filing reports through create_complaint (default 5 a second) during every
measurement, and the real endpoints timed through Django's test client, in process, with no
cache emptied or warmed by hand:

- the heat map at city and street zoom with no filter, one category, one arrondissement, the
  last 30 days and one week (the week player), next to the floor: the aggregation the heat map
  ran before the pyramids (HEAT_CELLS_SQL over the complaints), bare, in the same run;
- the public map at city zoom (clusters) and street zoom (pins): time, KB and features;
- city-wide hotspots, cold (the cache emptied before each call), and how the grid hotspots
  compare with exact DBSCAN on a selection where both run;
- the price of the pyramids on filing: create_complaint with the heat-cell triggers on and off.

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.heatmap
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.complaints import Writer, top_up_open  # noqa: E402
from bench.hotspot_comparison import compare_hotspot_methods  # noqa: E402
from bench.measure import bare, percentiles, timed  # noqa: E402
from districts.models import Authority, Category  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402
from issues.models import Complaint  # noqa: E402
from issues.services import create_complaint  # noqa: E402
from planning import heat, selectors  # noqa: E402
from planning.models import HeatCell, HeatWeekCell  # noqa: E402
from planning.selection import Selection, last_weeks  # noqa: E402
from planning.views import snapped_bounds  # noqa: E402

HEAT_TRIGGERS = [
    f"planning_complaint_heat_{table}_{operation}"
    for table in ("cells", "weeks")
    for operation in ("insert", "delete", "update")
]

# Counts in the reports filed while the triggers were off.
COUNT_IN_SQL = """
SELECT planning_heat_cells_add(location, category_id, arrondissement_id, status, 1),
       planning_heat_weeks_add(location, created_at, category_id, arrondissement_id, status, 1)
FROM issues_complaint
WHERE id = ANY(%s)
"""


def heat_maps(client, options, densest, potholes, hay_hassani) -> None:
    lat, lon = densest
    bbox = (lon - 0.0047, lat - 0.0022, lon + 0.0047, lat + 0.0022)
    box = ",".join(f"{v:.6f}" for v in bbox)
    zooms = {"city zoom 12": (12, None, ""), "street zoom 17": (17, bbox, f"&bbox={box}")}
    today = timezone.localdate()
    week = last_weeks()[-4]
    filters = {
        "no filter": ({}, ""),
        "one category": ({"category": potholes}, f"&category={potholes.code}"),
        "one arrondissement": ({"arrondissement": hay_hassani}, "&arrondissement=hay-hassani"),
        "last 30 days": ({"since": today - timedelta(days=30)}, "&days=30"),
        f"one week ({week})": ({"since": week}, f"&week={week}"),
    }
    for zoom_name, (zoom, view_box, box_query) in zooms.items():
        bounds = snapped_bounds(zoom, view_box)
        for filter_name, (fields, query) in filters.items():
            # The floor for one week counts every complaint received since its Monday (the
            # previous heat map had no upper bound): a lower floor than the week alone.
            _sql, params = selectors.heat_cells_query(Selection(**fields), zoom=zoom, bounds=bounds)
            floor = timed(bare(heat.HEAT_CELLS_SQL, params), options.repeats)
            url = f"/api/v1/heatmap/?zoom={zoom}{box_query}{query}"
            samples = timed(lambda url=url: client.get(url), options.repeats)
            answer = client.get(url).json()
            print(f"heat map {zoom_name}, {filter_name} ({len(answer['cells']):,} cells)")
            print(f"  floor  previous SQL over complaints  {percentiles(floor)}")
            print(f"  view   pyramids, writes streaming    {percentiles(samples)}")


def public_maps(client, options, densest, ordinary) -> None:
    # A phone's view at zoom 16 and 17 (412 × 915 px) on the densest street (more reports than
    # pins allowed: clusters) and on an ordinary one (pins).
    for where, (lat, lon) in [("densest street", densest), ("ordinary street", ordinary)]:
        for zoom, half_width, half_height in [(16, 0.0045, 0.0041), (17, 0.0022, 0.0021)]:
            box = f"{lon - half_width},{lat - half_height},{lon + half_width},{lat + half_height}"
            url = f"/api/v1/map/complaints/?zoom={zoom}&bbox={box}"
            _report_map(client, url, f"public map zoom {zoom}, {where}", options)
    for zoom in (11, 13):
        url = f"/api/v1/map/complaints/?zoom={zoom}"
        _report_map(client, url, f"public map city zoom {zoom}", options)


def _report_map(client, url, name, options) -> None:
    samples = timed(lambda: client.get(url), options.repeats)
    response = client.get(url)
    body = response.json()
    print(
        f"{name} ({body['mode']}): {len(response.content) / 1024:,.0f} KB, "
        f"{len(body['features']):,} features, {body['total']:,} reports"
    )
    print(f"  view   writes streaming              {percentiles(samples)}")


def hotspots_city_wide(client, options) -> None:
    for min_count in (200, 50, settings.HOTSPOT_MIN_COUNT):
        url = f"/api/v1/hotspots/?metres=100&min_count={min_count}"

        def cold(url=url):
            cache.clear()
            return client.get(url)

        samples = timed(cold, 6)
        found = cold().json()
        biggest = found[0]["complaints"] if found else 0
        print(
            f"hotspots whole city, 100 m, min {min_count}: {len(found)} found "
            f"(method {found[0]['method'] if found else '-'}, biggest {biggest:,})"
        )
        print(f"  view   cold, writes streaming        {percentiles(samples)}")


def compare_methods(potholes) -> None:
    """Both methods on one category city-wide, where exact DBSCAN still answers."""
    settings.HOTSPOT_TIMEOUT_MS = 600_000
    selection = Selection(category=potholes)
    for min_count in (20, 50):
        started = time.perf_counter()
        selectors.dbscan_hotspots(selection, metres=100, min_count=min_count)
        exact_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        selectors.grid_hotspots(selection, metres=100, min_count=min_count)
        grid_ms = (time.perf_counter() - started) * 1000
        figures = compare_hotspot_methods(selection, metres=100, min_count=min_count)
        print(
            f"hotspots {potholes.code} ({selectors.selection_size(selection):,} open), 100 m, "
            f"min {min_count}: DBSCAN {exact_ms:,.0f} ms, grid {grid_ms:,.0f} ms"
        )
        print(
            f"  DBSCAN {figures['dbscan_hotspots']} hotspots ({figures['dbscan_members']:,} "
            f"reports), grid {figures['grid_hotspots']}; DBSCAN reports within a grid hotspot "
            f"{figures['covered_share']:.1%}; centre distance median "
            f"{figures['centre_distance_median_m']:.0f} m, max "
            f"{figures['centre_distance_max_m']:.0f} m; reports in hotspots grid/DBSCAN "
            f"{figures['complaints_ratio']:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--writes-per-second", type=float, default=5.0)
    parser.add_argument("--filing-rounds", type=int, default=10, help="of --repeats reports each")
    parser.add_argument(
        "--filing-only", action="store_true", help="only the price of the triggers on filing"
    )
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    open_now = top_up_open(options.open, seed=11)
    print(
        f"complaints: {Complaint.objects.count():,}, open: {open_now:,}; "
        f"heat cells: {HeatCell.objects.count():,} rows, by week: "
        f"{HeatWeekCell.objects.count():,} rows"
    )
    potholes = Category.objects.get(code="roads-potholes")
    if options.filing_only:
        filing_cost(potholes, options)
        return
    client = Client()
    hay_hassani = Authority.objects.get(slug="hay-hassani")
    # The densest 80 m square of the city and the median one: the street views look there.
    squares = sorted(selectors.heat_cells(Selection(), zoom=15)["cells"], key=lambda c: c[2])
    densest, ordinary = tuple(squares[-1][:2]), tuple(squares[len(squares) // 2][:2])
    writer = Writer(options.writes_per_second)
    writer.start()
    try:
        heat_maps(client, options, densest, potholes, hay_hassani)
        public_maps(client, options, densest, ordinary)
        hotspots_city_wide(client, options)
    finally:
        writer.stopped.set()
        writer.join()
    print(f"writer filed {writer.filed} reports during these measurements")
    compare_methods(potholes)

    filing_cost(potholes, options)


def filing_cost(potholes, options) -> None:
    """create_complaint with the heat-count triggers on and off, in alternating rounds (the
    machine's drift and the tables' growth fall on both sides), the first report of each round
    left out (it pays for re-planning after ALTER TABLE)."""
    rounds, per_round = options.filing_rounds, options.repeats
    points = iter(random_points_in_city(2 * rounds * (per_round + 1) + 2, seed=123))
    filed_without = []

    def file_one() -> int:
        return create_complaint(
            category=potholes,
            location=next(points),
            title="[Bench] Nid-de-poule",
            description="Signalement généré par le benchmark, pas un vrai signalement.",
            is_demo=True,
        ).pk

    def round_of(samples: list[float], filed: list[int] | None) -> None:
        file_one() if filed is None else filed.append(file_one())
        for _ in range(per_round):
            started = time.perf_counter()
            pk = file_one()
            samples.append((time.perf_counter() - started) * 1000)
            if filed is not None:
                filed.append(pk)

    with_counts, without = [], []
    try:
        for _ in range(rounds):
            round_of(with_counts, None)
            _switch_heat_triggers("DISABLE")
            round_of(without, filed_without)
            _switch_heat_triggers("ENABLE")
    finally:
        _switch_heat_triggers("ENABLE")
        with connection.cursor() as cursor:  # the reports filed without the triggers count now
            cursor.execute(COUNT_IN_SQL, [filed_without])
    print(f"create_complaint, one report committed per sample ({rounds} alternating rounds)")
    print(f"  with the heat-count triggers         {percentiles(with_counts)}")
    print(f"  without them                         {percentiles(without)}")
    added = statistics.median(with_counts) - statistics.median(without)
    print(f"  added by the triggers (p50)          {added:+.2f} ms")


def _switch_heat_triggers(action: str) -> None:
    with connection.cursor() as cursor:
        for trigger in HEAT_TRIGGERS:
            cursor.execute(f"ALTER TABLE issues_complaint {action} TRIGGER {trigger}")


if __name__ == "__main__":
    main()
