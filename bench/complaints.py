"""Bulk loader of generated bench complaints (never real reports): points drawn in the 16
arrondissements, routed with the real rule (route_many), written with COPY. Shared by the
benchmarks; callers set up Django first."""

from __future__ import annotations

import io
import random
import threading
import time
from datetime import timedelta

from django.db import connection, connections, transaction
from django.utils import timezone

from districts.models import Category, ServiceArea
from districts.routing import route_many
from districts.selectors import random_points_in_city
from issues.models import REFERENCE_ALPHABET, Complaint
from issues.services import create_complaint, rebuild_queue_tallies
from planning.services import rebuild_heat_cells

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
METRES_PER_DEGREE = 111_320


OPEN_WEIGHTS = {"submitted": 60, "acknowledged": 25, "in_progress": 15}
# A city's mix of statuses, for the benchmarks that read every complaint (queue, API).
MIXED_WEIGHTS = {
    "submitted": 40,
    "acknowledged": 20,
    "in_progress": 10,
    "resolved": 20,
    "closed": 10,
}


def reference(number: int, year: int) -> str:
    digits = []
    for _ in range(6):
        number, remainder = divmod(number, 32)
        digits.append(REFERENCE_ALPHABET[remainder])
    return f"CM-{year}-{''.join(reversed(digits))}"


def _points(count: int, seed: int, hotspots: int, hotspot_share: float, rng) -> list:
    """(lon, lat) pairs: uniform over the city, except `hotspot_share` of them scattered
    (Gaussian, σ = 40 m) around `hotspots` centres, themselves uniform."""
    clustered = int(count * hotspot_share) if hotspots else 0
    points = [(p.x, p.y) for p in random_points_in_city(count - clustered, seed=seed)]
    if clustered:
        centres = [(p.x, p.y) for p in random_points_in_city(hotspots, seed=seed + 1)]
        sigma = 40 / METRES_PER_DEGREE
        for _ in range(clustered):
            lon, lat = rng.choice(centres)
            points.append((lon + rng.gauss(0, sigma) * 1.2, lat + rng.gauss(0, sigma)))
    return points


def load(
    count: int,
    *,
    seed: int,
    status_weights: dict[str, int],
    hotspots: int = 0,
    hotspot_share: float = 0.0,
    first_number: int = 0,
) -> int:
    """Loads about `count` complaints (points that land outside the city are dropped) created
    over the last two years; returns how many were loaded."""
    rng = random.Random(seed)
    started = time.perf_counter()
    lon_lat = _points(count, seed, hotspots, hotspot_share, rng)
    categories = list(Category.objects.all())
    category_of_point = [rng.choice(categories) for _ in lon_lat]
    authority_of = {}
    for category in categories:
        indexes = [i for i, c in enumerate(category_of_point) if c.pk == category.pk]
        routed = route_many([lon_lat[i] for i in indexes], category)
        authority_of.update(zip(indexes, routed, strict=True))
    arrondissement_of = route_many(lon_lat, Category.objects.get(code="other"))
    area_of = {}
    for area in ServiceArea.objects.order_by("code"):
        area_of.setdefault(area.authority_id, area.pk)
    print(f"  points drawn and routed in {time.perf_counter() - started:.1f} s")

    statuses = list(status_weights)
    weights = list(status_weights.values())
    now = timezone.now()
    buffer = io.StringIO()
    loaded = 0
    for i, (lon, lat) in enumerate(lon_lat):
        authority = authority_of[i]
        if authority is None or arrondissement_of[i] is None:
            continue
        created = now - timedelta(seconds=rng.randint(0, 2 * 365 * 86400))
        number = first_number + i
        fields = [
            reference(number, created.year),
            "complaint",
            category_of_point[i].pk,
            f"[Bench] généré {number}",
            "Donnée générée pour le banc d'essai.",
            f"SRID=4326;POINT({lon:.7f} {lat:.7f})",
            rng.choices(statuses, weights)[0],
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
            f"bench{number}",
            created.isoformat(),
            created.isoformat(),
        ]
        buffer.write("\t".join(str(f) for f in fields) + "\n")
        loaded += 1
    buffer.seek(0)
    # The triggers (queue tallies, heat cells) are switched off for the COPY and their tables
    # rebuilt once after, in the same transaction: one GROUP BY instead of a million upserts.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE issues_complaint DISABLE TRIGGER USER")
        cursor.copy_expert(f"COPY issues_complaint ({', '.join(COLUMNS)}) FROM STDIN", buffer)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending
        cursor.execute("ALTER TABLE issues_complaint ENABLE TRIGGER USER")
        rebuild_queue_tallies()
        rebuild_heat_cells()
    with connection.cursor() as cursor:  # VACUUM cannot run inside the COPY's transaction
        cursor.execute("VACUUM ANALYZE issues_complaint")
    print(f"  {loaded:,} complaints loaded in {time.perf_counter() - started:.1f} s")
    return loaded


class Writer(threading.Thread):
    """Files `per_second` generated reports through the real service until stopped."""

    def __init__(self, per_second: float):
        super().__init__(daemon=True)
        self.interval = 1 / per_second
        self.stopped = threading.Event()
        self.filed = 0

    def run(self) -> None:
        category = Category.objects.get(code="roads-potholes")
        points = random_points_in_city(5000, seed=99)
        while not self.stopped.is_set():
            started = time.perf_counter()
            create_complaint(
                category=category,
                location=points[self.filed % len(points)],
                title="[Bench] Nid-de-poule",
                description="Signalement généré par le benchmark, pas un vrai signalement.",
                is_demo=True,
            )
            self.filed += 1
            self.stopped.wait(max(0.0, self.interval - (time.perf_counter() - started)))
        connections.close_all()


def top_up_open(target: int, *, seed: int) -> int:
    """Adds generated open complaints (40 % around 400 spots, so hotspots exist) until at least
    `target` are open; returns how many are open."""
    open_now = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES).count()
    if open_now < target:
        missing = target - open_now
        print(f"loading {missing:,} more open complaints (40 % around 400 spots)…")
        load(
            int(missing * 1.01),  # a few points fall outside the city and are dropped
            seed=seed,
            status_weights=OPEN_WEIGHTS,
            hotspots=400,
            hotspot_share=0.4,
            first_number=Complaint.objects.count() + 10_000_000,
        )
        open_now = Complaint.objects.filter(status__in=Complaint.OPEN_STATUSES).count()
    return open_now


def top_up(target: int, *, seed: int) -> int:
    """Adds generated complaints of every status (MIXED_WEIGHTS) until there are at least
    `target`; returns how many there are."""
    present = Complaint.objects.count()
    if present < target:
        print(f"loading {target - present:,} complaints…")
        # Numbered past those already there, so a database can be topped up again.
        load(
            target - present,
            seed=seed,
            status_weights=MIXED_WEIGHTS,
            first_number=present and present + 100_000_000,
        )
    return Complaint.objects.count()
