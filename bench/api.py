"""Open API at scale: the public complaints list (GeoJSON, a page of 100) and Open311
requests.json over N complaints (default 1,000,000), through the real views in process (Django's
test client: server time, serialisation included), while a writer files reports through
create_complaint. Next to each, the floor: the bare SQL of the same page, in the same run.

Prints figures; asserts nothing about time. Use a scratch database (`make bench` does):

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.api [--complaints 1000000]

Complaints are generated bench data (bench/complaints.py), loaded once by COPY.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.complaints import Writer, top_up  # noqa: E402
from bench.measure import bare, percentiles, timed  # noqa: E402
from districts.models import Category  # noqa: E402
from issues.models import Complaint  # noqa: E402
from issues.selectors import public_complaints  # noqa: E402
from open311.selectors import RequestQuery, service_requests  # noqa: E402

RECENT = "SELECT * FROM issues_complaint WHERE created_at >= now() - interval '90 days' "
OPEN_POTHOLES = "FROM issues_complaint WHERE status = ANY(%s) AND category_id = %s"


def last_90_days() -> RequestQuery:
    now = timezone.now()
    return RequestQuery(start=now - timedelta(days=90), end=now)


def bare_queryset(queryset):
    """The exact SQL the view's ORM query sends, run bare (no serialisation, no HTTP)."""
    sql, params = queryset.query.sql_with_params()
    return bare(sql, params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--writes-per-second", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    print(f"complaints: {top_up(options.complaints, seed=options.seed):,}")
    client = Client()
    potholes = Category.objects.get(code="roads-potholes").pk
    open_statuses = list(Complaint.OPEN_STATUSES)

    cases = [
        (
            "REST list, first page of 100",
            "/api/v1/complaints/?page_size=100",
            [
                (
                    "page rows",
                    bare(
                        "SELECT * FROM issues_complaint ORDER BY created_at DESC, id DESC LIMIT 100"
                    ),
                ),
                ("count", bare("SELECT count(*) FROM issues_complaint")),
                (
                    "view's SQL",
                    bare_queryset(public_complaints().order_by("-created_at", "-id")[:100]),
                ),
            ],
        ),
        (
            "REST list, open potholes, page 20",
            "/api/v1/complaints/?page_size=100&page=20&status=open&category=roads-potholes",
            [
                (
                    "page rows",
                    bare(
                        f"SELECT * {OPEN_POTHOLES} "
                        "ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET 1900",
                        [open_statuses, potholes],
                    ),
                ),
                (
                    "count",
                    bare(
                        f"SELECT count(*) {OPEN_POTHOLES}",
                        [open_statuses, potholes],
                    ),
                ),
            ],
        ),
        (
            "Open311 requests.json, 100 (last 90 days)",
            "/open311/v2/requests.json?page_size=100",
            [
                (
                    "page rows",
                    bare(RECENT + "ORDER BY created_at DESC, id DESC LIMIT 100"),
                ),
                ("view's SQL", bare_queryset(service_requests(last_90_days())[:100])),
            ],
        ),
        (
            "Open311 requests.json, 1000 (the spec's default)",
            "/open311/v2/requests.json",
            [
                (
                    "page rows",
                    bare(RECENT + "ORDER BY created_at DESC, id DESC LIMIT 1000"),
                ),
                ("view's SQL", bare_queryset(service_requests(last_90_days())[:1000])),
            ],
        ),
    ]
    writer = Writer(options.writes_per_second)
    writer.start()
    try:
        for name, url, floors in cases:
            print(name)
            for label, floor in floors:
                print(
                    f"  floor  bare SQL, {label:12}   {percentiles(timed(floor, options.repeats))}"
                )
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            samples = timed(lambda url=url: client.get(url), options.repeats)
            size = len(response.content) / 1024
            print(f"  view   {url[:52]:52} {percentiles(samples)}  {size:.0f} KB")
    finally:
        writer.stopped.set()
        writer.join()
    print(f"writer filed {writer.filed} reports through create_complaint during the measurements")


if __name__ == "__main__":
    main()
