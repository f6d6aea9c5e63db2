"""What one report filed through the API costs, without HTTP: Django's full handler (every
middleware, DRF, the form, routing, the transaction, the answer) driven by Django's test client,
next to the floor (`/livez` through the same handler), in the same run. Prints, per request, the
CPU of this Python process and of the PostgreSQL backend serving it (from /proc), and the wall
time; the rounds alternate floor and filing. Production settings otherwise (DEBUG off; the cache
and broker those of the environment: set CACHE_URL and CELERY_BROKER_URL to Redis as
`make serve` does to include their round trips).

    DATABASE_URL=postgis:///casa_map CACHE_URL=redis://127.0.0.1:6379/2 \\
        CELERY_BROKER_URL=redis://127.0.0.1:6379/3 .venv/bin/python -m bench.filing [--reports N]

Files N generated reports ("[Bench]" in their titles) into that database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ["DEBUG"] = "false"
# As bench/load.py: the API's write limit raised, with a one-second period.
os.environ["API_ANONYMOUS_WRITE_RATE"] = "1000000000/s"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from districts.selectors import random_points_in_city  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat_file:
        fields = stat_file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    points = [(p.y, p.x) for p in random_points_in_city(options.reports, seed=3)]
    client = Client()

    def file(number: int) -> int:
        lat, lon = points[number % len(points)]
        body = {
            "category": "roads-potholes",
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "title": "[Bench] Nid-de-poule",
            "description": "Signalement généré par bench/filing.py, pas un vrai.",
        }
        answer = client.post("/api/v1/complaints/", json.dumps(body), "application/json")
        return answer.status_code

    def floor(_number: int) -> int:
        return client.get("/livez").status_code

    database, cache = settings.DATABASES["default"]["NAME"], settings.CACHES["default"]["BACKEND"]
    print(f"database {database}, cache {cache}, {options.reports} requests per measure")
    for _round in range(options.rounds):
        for name, request, expected in (("floor /livez", floor, 200), ("file a report", file, 201)):
            for number in range(20):  # warm-up: connections, the routing table, SRID details
                request(number)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend = cursor.fetchone()[0]
            database_before, python_before = backend_cpu_seconds(backend), time.process_time()
            started = time.perf_counter()
            statuses = {request(number) for number in range(options.reports)}
            wall = time.perf_counter() - started
            python = time.process_time() - python_before
            database = backend_cpu_seconds(backend) - database_before
            per = 1000 / options.reports
            print(
                f"{name:14} python {python * per:6.2f} ms   postgresql {database * per:5.2f} ms   "
                f"wall {wall * per:6.2f} ms per request   statuses {sorted(statuses)}"
                + ("" if statuses == {expected} else f"   (expected {expected})")
            )


if __name__ == "__main__":
    main()
