"""Heat map and hotspots at scale: makes sure at least N open complaints (default 1,000,000) are
in the database — topping up with generated open ones, part of them gathered around a few
hundred spots so that hotspots exist — then times, through the real endpoints (Django's test
client, in process):

- the heat-map endpoint at city zoom (whole city) and at street zoom (a snapped visible box),
  cold (cache emptied before each call) and warm (cached);
- the hotspot endpoint (ST_ClusterDBSCAN) for one category, cold and warm, and for the whole
  city, where it is stopped by HOTSPOT_TIMEOUT_MS;

each next to its floor: the bare aggregation SQL (the very statement the endpoint runs),
executed with a cursor in the same process. Prints figures; asserts nothing about time.

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.heatmap [--open 1000000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from bench.complaints import top_up_open  # noqa: E402
from bench.measure import bare, percentiles, timed  # noqa: E402
from districts.models import Category  # noqa: E402
from issues.models import Complaint  # noqa: E402
from planning import selectors  # noqa: E402
from planning.selection import Selection  # noqa: E402
from planning.views import snapped_bounds  # noqa: E402


def endpoint(client: Client, url: str, *, cold: bool):
    def run():
        if cold:
            cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.content[:200]

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    open_now = top_up_open(options.open, seed=options.seed)
    print(f"complaints: {Complaint.objects.count():,}, open: {open_now:,}")

    client = Client()
    selection = Selection()
    # A street-level view (about 1,400 x 800 pixels at zoom 17) on the densest spot.
    lat, lon, _ = max(selectors.heat_cells(selection, zoom=15)["cells"], key=lambda c: c[2])
    bbox = (lon - 0.0047, lat - 0.0022, lon + 0.0047, lat + 0.0022)
    views = {
        "city zoom 12": (12, None, "/api/v1/heatmap/?zoom=12"),
        "street zoom 17": (
            17,
            snapped_bounds(17, bbox),
            "/api/v1/heatmap/?zoom=17&bbox=" + ",".join(f"{v:.6f}" for v in bbox),
        ),
    }
    for name, (zoom, bounds, url) in views.items():
        sql, params = selectors.heat_cells_query(selection, zoom=zoom, bounds=bounds)
        floor = timed(bare(sql, params), options.repeats)
        cold = timed(endpoint(client, url, cold=True), options.repeats)
        warm = timed(endpoint(client, url, cold=False), options.repeats * 10)
        cells = len(client.get(url).json()["cells"])
        ratio = sorted(cold)[len(cold) // 2] / sorted(floor)[len(floor) // 2]
        print(f"heat map {name} ({cells:,} cells)")
        print(f"  floor  bare aggregation SQL   {percentiles(floor)}")
        print(f"  cold   endpoint, no cache     {percentiles(cold)}   ({ratio:.2f}x floor)")
        print(f"  warm   endpoint, cached       {percentiles(warm)}")

    # Hotspots for one category (about 1/13 of the open complaints), then for the whole city,
    # which DBSCAN cannot do within HOTSPOT_TIMEOUT_MS at this density (the endpoint says so).
    metres, min_count = settings.HOTSPOT_METRES, 20
    category = Category.objects.get(code="roads-potholes")
    one_category = Selection(category=category)
    count = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES, category=category)
    url = f"/api/v1/hotspots/?category={category.code}&metres={metres}&min_count={min_count}"
    sql, params = selectors.hotspots_query(one_category, metres=metres, min_count=min_count)
    floor = timed(bare(sql, params), 3)
    cold = timed(endpoint(client, url, cold=True), 3)
    warm = timed(endpoint(client, url, cold=False), options.repeats * 10)
    found = len(client.get(url).json())
    ratio = sorted(cold)[len(cold) // 2] / sorted(floor)[len(floor) // 2]
    print(
        f"hotspots {category.code} ({count.count():,} open), DBSCAN {metres} m / "
        f"{min_count} complaints ({found} listed)"
    )
    print(f"  floor  bare DBSCAN SQL        {percentiles(floor)}")
    print(f"  cold   endpoint, no cache     {percentiles(cold)}   ({ratio:.2f}x floor)")
    print(f"  warm   endpoint, cached       {percentiles(warm)}")

    cache.clear()
    started = time.perf_counter()
    response = client.get(f"/api/v1/hotspots/?metres={metres}&min_count={min_count}")
    elapsed = time.perf_counter() - started
    print(
        f"hotspots whole city ({open_now:,} open): HTTP {response.status_code} after "
        f"{elapsed:.1f} s (timeout {settings.HOTSPOT_TIMEOUT_MS / 1000:.0f} s) "
        f"{response.json().get('code', '') if response.status_code != 200 else ''}"
    )


if __name__ == "__main__":
    main()
