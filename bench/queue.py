"""Staff queue at scale: loads N complaints (default 1,000,000) spread over the city, then times
the queue's first page and a filtered page through the real view (Django's test client, in
process: server time, template included), next to the floor: the bare SQL of the page's rows.

Prints figures; asserts nothing about time. Use a scratch database (`make bench` does):

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.queue [--complaints 1000000]

Loading is done once (COPY); later runs reuse the rows. Complaints are generated bench data.
"""

from __future__ import annotations

import argparse
import io
import os
import random
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
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.measure import percentiles, timed  # noqa: E402
from districts.models import Authority, Category, ServiceArea  # noqa: E402
from districts.routing import route_many  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402
from issues.models import REFERENCE_ALPHABET, Complaint  # noqa: E402
from issues.services import rebuild_queue_tallies  # noqa: E402
from staff.models import StaffMembership  # noqa: E402

STATUS_WEIGHTS = {
    "submitted": 40,
    "acknowledged": 20,
    "in_progress": 10,
    "resolved": 20,
    "closed": 10,
}
COLUMNS = [
    "reference",
    "kind",
    "category_id",
    "title",
    "description",
    "location",
    "status",
    "arrondissement_id",
    "authority_id",
    "service_area_id",
    "routing_fell_back",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
    "is_demo",
    "support_count",
    "acknowledge_by",
    "answer_by",
    "reopen_count",
    "is_reopened",
    "satisfaction_comment",
    "owner_key",
    "created_at",
    "updated_at",
]


def reference(number: int, year: int) -> str:
    digits = []
    for _ in range(6):
        number, remainder = divmod(number, 32)
        digits.append(REFERENCE_ALPHABET[remainder])
    return f"CM-{year}-{''.join(reversed(digits))}"


def load(count: int, seed: int) -> None:
    rng = random.Random(seed)
    started = time.perf_counter()
    points = random_points_in_city(count, seed=seed)
    categories = list(Category.objects.all())
    arrondissement_of = {}
    authority_of = {}
    lon_lat = [(p.x, p.y) for p in points]
    category_of_point = [rng.choice(categories) for _ in points]
    for category in categories:
        indexes = [i for i, c in enumerate(category_of_point) if c.pk == category.pk]
        routed = route_many([lon_lat[i] for i in indexes], category)
        authority_of.update(zip(indexes, routed, strict=True))
    arrondissements = route_many(lon_lat, Category.objects.get(code="other"))
    arrondissement_of.update(enumerate(arrondissements))
    area_of = {}
    for area in ServiceArea.objects.order_by("code"):
        area_of.setdefault(area.authority_id, area.pk)
    print(f"  points drawn and routed in {time.perf_counter() - started:.1f} s")

    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    now = timezone.now()
    buffer = io.StringIO()
    for i, (lon, lat) in enumerate(lon_lat):
        created = now - timedelta(seconds=rng.randint(0, 2 * 365 * 86400))
        status = rng.choices(statuses, weights)[0]
        authority = authority_of[i]
        fields = [
            reference(i, created.year),
            "complaint",
            category_of_point[i].pk,
            f"[Bench] généré {i}",
            "Donnée générée pour le banc d'essai.",
            f"SRID=4326;POINT({lon:.7f} {lat:.7f})",
            status,
            arrondissement_of[i],
            authority,
            area_of[authority],
            "f",
            "",
            "",
            "",
            "fr",
            "t",
            rng.randint(0, 5),
            (created + timedelta(days=15)).date().isoformat(),
            (created + timedelta(days=60)).date().isoformat(),
            0,
            "f",
            "",
            f"bench{i}",
            created.isoformat(),
            created.isoformat(),
        ]
        buffer.write("\t".join(str(f) for f in fields) + "\n")
    buffer.seek(0)
    # The queue-tally triggers are switched off for the COPY and the tallies rebuilt once after,
    # in the same transaction: one GROUP BY instead of a million upserts.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE issues_complaint DISABLE TRIGGER USER")
        cursor.copy_expert(f"COPY issues_complaint ({', '.join(COLUMNS)}) FROM STDIN", buffer)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending
        cursor.execute("ALTER TABLE issues_complaint ENABLE TRIGGER USER")
        rebuild_queue_tallies()
    with connection.cursor() as cursor:  # VACUUM cannot run inside the COPY's transaction
        cursor.execute("VACUUM ANALYZE issues_complaint")
    print(f"  {count:,} complaints loaded in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    present = Complaint.objects.count()
    if present < options.complaints:
        print(f"loading {options.complaints - present:,} complaints…")
        load(options.complaints - present, options.seed)
    total = Complaint.objects.count()
    busiest = (
        Authority.objects.filter(kind="arrondissement")
        .annotate(n=django.db.models.Count("complaints_routed"))
        .order_by("-n")
        .first()
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-agent@example.org")
    StaffMembership.objects.update_or_create(
        user=user, defaults={"authority": busiest, "role": "agent"}
    )
    client = Client()
    client.force_login(user)
    print(f"complaints: {total:,}; queue of {busiest.name_fr}: {busiest.n:,} complaints")

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM issues_complaint WHERE authority_id = %s "
                "ORDER BY created_at DESC LIMIT 50",
                [busiest.pk],
            )
            cursor.fetchall()

    pages = {
        "first page": "/staff/",
        "filtered page": "/staff/?status=submitted&category=roads-potholes&overdue=true",
    }
    print(
        f"floor   bare SQL of the page's 50 rows      {percentiles(timed(floor, options.repeats))}"
    )
    for name, url in pages.items():
        settings.DEBUG = True  # logs the queries of the next request
        reset_queries()
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        cold = (time.perf_counter() - started) * 1000
        queries = list(connection.queries)
        settings.DEBUG = False
        samples = timed(lambda url=url: client.get(url), options.repeats)
        print(f"view    {name:14} cold (empty cache) {cold:7.2f} ms, {len(queries)} queries")
        print(f"view    {name:14} warm               {percentiles(samples)}")
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:3]
        for query in slowest:
            print(f"          {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")


if __name__ == "__main__":
    main()
