"""Deep pages (issue #26): the public REST list's page 20 of open potholes, by page number and by
keyset (`cursor`), and Open311 requests with the spec's default 1,000 rows (JSON and XML), over N
complaints (default 1,000,000), through the real views in process (Django's test client: server
time, serialisation included) while a writer files reports through create_complaint. Next to
each, the floor: the bare SQL of the same rows and of the count, in the same run, and the ratio.

Prints figures; asserts nothing about time. Use a scratch database:

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.deep_pages [--complaints N]

Complaints are generated bench data (bench/complaints.py), loaded once by COPY.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from base64 import b64decode
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"  # measure production settings, whatever the local .env says

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.pagination import Cursor  # noqa: E402

from bench.complaints import Writer, top_up  # noqa: E402
from bench.measure import bare, timed  # noqa: E402
from districts.models import Category  # noqa: E402
from issues.filters import PublicComplaintFilter  # noqa: E402
from issues.models import Complaint  # noqa: E402
from issues.pages import ComplaintCursorPagination  # noqa: E402
from issues.selectors import public_complaints  # noqa: E402
from open311.selectors import RequestQuery, request_rows, service_requests  # noqa: E402

PAGE = 20
PAGE_SIZE = 100
OPEN_POTHOLES = {"status": "open", "category": "roads-potholes"}
COUNT_OPEN_POTHOLES = (
    "SELECT count(*) FROM issues_complaint "
    "WHERE moderation = 'published' AND status = ANY(%s) AND category_id = %s"
)


def bare_queryset(queryset):
    """The exact SQL the view's ORM query sends, run bare (no serialisation, no HTTP)."""
    sql, params = queryset.query.sql_with_params()
    return bare(sql, params)


def both(*floors):
    def run():
        for floor in floors:
            floor()

    return run


def open_potholes():
    return PublicComplaintFilter(OPEN_POTHOLES, queryset=public_complaints()).qs.order_by(
        "-created_at", "-id"
    )


def cursor_of_page(client: Client, page: int) -> tuple[str, object]:
    """The address of keyset page `page` (following `next` from the first), and the filter the
    view applies for it (issues.pages: the rows after the cursor's position)."""
    url = f"/api/v1/complaints/?cursor=&page_size={PAGE_SIZE}&status=open&category=roads-potholes"
    for _ in range(page - 1):
        url = client.get(url).json()["next"]
    encoded = parse_qs(urlsplit(url).query)["cursor"][0]
    position = parse_qs(b64decode(encoded).decode())["p"][0]
    pages = ComplaintCursorPagination()
    pages.model, pages.ordering = Complaint, ("-created_at", "-id")
    return url, pages.rows_after(Cursor(offset=0, reverse=False, position=position))


def summary(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def counted_label(counted) -> str | None:
    return None if counted is None else counted[0]


def figures(p50: float, p95: float) -> str:
    return f"p50 {p50:7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--writes-per-second", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    print(f"complaints: {top_up(options.complaints, seed=options.seed):,}")
    client = Client()
    potholes = Category.objects.get(code="roads-potholes").pk
    open_statuses = list(Complaint.OPEN_STATUSES)
    count_floor = bare(COUNT_OPEN_POTHOLES, [open_statuses, potholes])
    print(f"open potholes: {open_potholes().count():,}")
    start = (PAGE - 1) * PAGE_SIZE
    cursor_url, after_position = cursor_of_page(client, PAGE)
    now = timezone.now()
    last_90_days = request_rows(service_requests(RequestQuery(start=now - timedelta(90), end=now)))

    count = ("count(*) of open potholes", count_floor)
    cases = [
        (
            f"REST list, open potholes, page {PAGE} by number",
            f"/api/v1/complaints/?page_size={PAGE_SIZE}&page={PAGE}&status=open"
            "&category=roads-potholes",
            ("the view's rows (OFFSET)", bare_queryset(open_potholes()[start : start + PAGE_SIZE])),
            count,
        ),
        (
            f"REST list, open potholes, page {PAGE} by cursor",
            cursor_url,
            (
                "the view's rows (keyset)",
                bare_queryset(open_potholes().filter(after_position)[: PAGE_SIZE + 1]),
            ),
            count,
        ),
        (
            "Open311 requests.json, 1,000 rows (the spec's default)",
            "/open311/v2/requests.json",
            ("the view's rows", bare_queryset(last_90_days[:1000])),
            None,  # Open311 has no count
        ),
        (
            "Open311 requests.xml, 1,000 rows",
            "/open311/v2/requests.xml",
            ("the view's rows", bare_queryset(last_90_days[:1000])),
            None,
        ),
    ]
    writer = Writer(options.writes_per_second)
    writer.start()
    try:
        for name, url, rows, counted in cases:
            print(name)
            floors = (
                [rows]
                if counted is None
                else [rows, counted, ("rows + count", both(rows[1], counted[1]))]
            )
            measured = {}
            for label, floor in floors:
                measured[label] = summary(timed(floor, options.repeats))
                print(f"  floor  bare SQL, {label:34} {figures(*measured[label])}")
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            view_p50, view_p95 = summary(timed(lambda url=url: client.get(url), options.repeats))
            size = len(response.content) / 1024
            print(f"  view   {url[:48]:48} {figures(view_p50, view_p95)}  {size:.0f} KB")
            for label, (floor_p50, floor_p95) in measured.items():
                if label != counted_label(counted):
                    print(
                        f"  ratio  against {label:27} p50 {view_p50 / floor_p50:5.1f}×"
                        f"   p95 {view_p95 / floor_p95:5.1f}×"
                    )
    finally:
        writer.stopped.set()
        writer.join()
    print(f"writer filed {writer.filed} reports through create_complaint during the measurements")


if __name__ == "__main__":
    main()
