"""The heat map while the city keeps reporting: at least N open complaints (default 1,000,000),
a writer filing reports through create_complaint (default 5 a second) during every measurement,
and the heat-map endpoint timed through the real view (Django's test client, in process, no
cache emptied or warmed by hand) at city and street zoom, with no filter, one category, one
arrondissement, and the last 30 days. The floor, in the same run: the aggregation the heat map
ran before the pyramid (HEAT_CELLS_SQL over the complaints), bare.

Then the price of the pyramid on filing: create_complaint timed with the heat-cell triggers on
and off (one complaint per sample, committed).

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.heat_pyramid
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.complaints import Writer, top_up_open  # noqa: E402
from bench.measure import bare, percentiles, timed  # noqa: E402
from districts.models import Authority, Category  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402
from issues.models import Complaint  # noqa: E402
from issues.services import create_complaint  # noqa: E402
from planning import selectors  # noqa: E402
from planning.models import HeatCell  # noqa: E402
from planning.selection import Selection  # noqa: E402
from planning.views import snapped_bounds  # noqa: E402

HEAT_TRIGGERS = [
    "planning_complaint_heat_cells_insert",
    "planning_complaint_heat_cells_delete",
    "planning_complaint_heat_cells_update",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--writes-per-second", type=float, default=5.0)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    open_now = top_up_open(options.open, seed=11)
    print(
        f"complaints: {Complaint.objects.count():,}, open: {open_now:,}; "
        f"heat cells: {HeatCell.objects.count():,} rows"
    )
    client = Client()
    potholes = Category.objects.get(code="roads-potholes")
    hay_hassani = Authority.objects.get(slug="hay-hassani")
    lat, lon, _ = max(selectors.heat_cells(Selection(), zoom=15)["cells"], key=lambda c: c[2])
    bbox = (lon - 0.0047, lat - 0.0022, lon + 0.0047, lat + 0.0022)
    box = ",".join(f"{v:.6f}" for v in bbox)
    zooms = {"city zoom 12": (12, None, ""), "street zoom 17": (17, bbox, f"&bbox={box}")}
    filters = {
        "no filter": ({}, ""),
        "one category": ({"category": potholes}, f"&category={potholes.code}"),
        "one arrondissement": ({"arrondissement": hay_hassani}, "&arrondissement=hay-hassani"),
    }
    writer = Writer(options.writes_per_second)
    writer.start()
    try:
        for zoom_name, (zoom, view_box, box_query) in zooms.items():
            bounds = snapped_bounds(zoom, view_box)
            for filter_name, (fields, query) in filters.items():
                old_sql = selectors.HEAT_CELLS_SQL
                _sql, params = selectors.heat_cells_query(
                    Selection(**fields), zoom=zoom, bounds=bounds
                )
                floor = timed(bare(old_sql, params), options.repeats)
                url = f"/api/v1/heatmap/?zoom={zoom}{box_query}{query}"
                samples = timed(lambda url=url: client.get(url), options.repeats)
                answer = client.get(url).json()
                print(f"heat map {zoom_name}, {filter_name} ({len(answer['cells']):,} cells)")
                print(f"  floor  previous SQL over complaints  {percentiles(floor)}")
                print(f"  view   pyramid, writes streaming     {percentiles(samples)}")
            url = f"/api/v1/heatmap/?zoom={zoom}{box_query}&days=30"
            window = timed(lambda url=url: client.get(url), options.repeats)
            print(f"heat map {zoom_name}, last 30 days (counted from complaints, cached)")
            print(f"  view   writes streaming               {percentiles(window)}")
    finally:
        writer.stopped.set()
        writer.join()
    print(f"writer filed {writer.filed} reports during the heat-map measurements")

    points = iter(random_points_in_city(4 * options.repeats + 2, seed=123))
    filed = []

    def file_one():
        complaint = create_complaint(
            category=potholes,
            location=next(points),
            title="[Bench] Nid-de-poule",
            description="Signalement généré par le benchmark, pas un vrai signalement.",
            is_demo=True,
        )
        filed.append(complaint.pk)

    with_pyramid = timed(file_one, options.repeats)
    with connection.cursor() as cursor:
        for trigger in HEAT_TRIGGERS:
            cursor.execute(f"ALTER TABLE issues_complaint DISABLE TRIGGER {trigger}")
    filed.clear()
    try:
        without = timed(file_one, options.repeats)
    finally:
        with connection.cursor() as cursor:
            for trigger in HEAT_TRIGGERS:
                cursor.execute(f"ALTER TABLE issues_complaint ENABLE TRIGGER {trigger}")
            # The complaints filed without the triggers are counted in now.
            cursor.execute(
                "SELECT planning_heat_cells_add(location, category_id, arrondissement_id, "
                "status, 1) FROM issues_complaint WHERE id = ANY(%s)",
                [filed],
            )
    print("create_complaint, one report committed per sample")
    print(f"  with the heat-cell triggers          {percentiles(with_pyramid)}")
    print(f"  without them                         {percentiles(without)}")


if __name__ == "__main__":
    main()
