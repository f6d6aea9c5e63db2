"""Staff queue at scale: loads N complaints (default 1,000,000) spread over the city, then times
the queue's first page and a filtered page through the real view (Django's test client, in
process: server time, template included), next to the floor: the bare SQL of the page's rows.

Prints figures; asserts nothing about time. Use a scratch database (`make bench` does):

    DATABASE_URL=postgis:///casa_map_bench .venv/bin/python -m bench.queue [--complaints 1000000]

Loading is done once (COPY); later runs reuse the rows. Complaints are generated bench data.
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
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

from bench.complaints import top_up  # noqa: E402
from bench.measure import percentiles, timed  # noqa: E402
from districts.models import Authority, StaffMembership  # noqa: E402
from issues.models import Complaint  # noqa: E402
from issues.services import transition  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    total = top_up(options.complaints, seed=options.seed)
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
    # Templates, URL resolvers and translations load on a process's first request: do it once
    # on another page, so "cold" below measures an empty cache, not a new process.
    client.get("/staff/?page=3")
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

    # The first view after a change to the queue: each sample acknowledges one more complaint of
    # the queue through the service (committed, as a real action would be), then opens the page.
    waiting = iter(
        Complaint.objects.filter(authority=busiest, status=Complaint.Status.SUBMITTED).order_by(
            "-created_at"
        )[: options.repeats + 1]
    )

    def change_then_view():
        transition(complaint=next(waiting), to_status=Complaint.Status.ACKNOWLEDGED, actor=user)
        started = time.perf_counter()
        assert client.get("/staff/").status_code == 200
        return (time.perf_counter() - started) * 1000

    after_change = [change_then_view() for _ in range(options.repeats)]
    print(f"view    first page     after a change     {percentiles(after_change)}")


if __name__ == "__main__":
    main()
