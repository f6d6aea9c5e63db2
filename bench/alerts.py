"""Alerts at city scale (issue #13): `send_alerts` for 100,000 alerts and 5,000 new reports.

Generated data only (bench complaints, bench alerts at `@bench.invalid` addresses), on its own
database: 100,000 older complaints as background, 5,000 filed in the last hour, and 100,000
confirmed alerts — 60,000 near a point (radius 250 m for 40 %, 500 m 40 %, 1 km 15 %, 2 km 5 %),
30,000 per arrondissement (a third of them for one or two categories), 10,000 following a
report, 1,000 of whose reports got a public update in the last hour. Printed: the floor (the
bare SELECT of each kind's match, pairs fetched), then one run of `send_alerts` (match, record
each pair once, one batch per alert, owe one e-mail per batch), then the same run again (nothing
new: the idempotent path), then the time to build one alert e-mail (both languages, text and
HTML). Each run is rolled back, so every repeat
starts from the same state and no e-mail leaves.

Run: `make bench-alerts` (loading takes a few minutes the first time).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import services  # noqa: E402
from alerts.models import Alert, AlertBatch  # noqa: E402
from bench.complaints import MIXED_WEIGHTS, load  # noqa: E402
from bench.measure import percentiles  # noqa: E402
from districts.models import Authority, Category  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402
from issues.models import Complaint, Event  # noqa: E402

BACKGROUND = 100_000
NEW = 5_000
ALERTS = {"nearby": 60_000, "arrondissement": 30_000, "report": 10_000}
UPDATED_FOLLOWS = 1_000
REPEATS = 2


def prepare() -> None:
    if Complaint.objects.count() < BACKGROUND + NEW:
        load(BACKGROUND + NEW - Complaint.objects.count(), seed=31, status_weights=MIXED_WEIGHTS)
    now = timezone.now()
    newest = list(Complaint.objects.order_by("-id").values_list("id", flat=True)[:NEW])
    rng = random.Random(5)
    with connection.cursor() as cursor:  # the newest 5,000 were filed in the last hour
        cursor.execute(
            "UPDATE issues_complaint SET created_at = %s - (random() * interval '55 minutes') "
            "WHERE id = ANY(%s)",
            [now, newest],
        )
    if Alert.objects.count() >= sum(ALERTS.values()):
        return
    print("creating 100,000 confirmed alerts…")
    Alert.objects.all().delete()
    confirmed = now - timedelta(days=1)
    points = random_points_in_city(ALERTS["nearby"], seed=9)
    alerts = [
        Alert(
            kind="nearby",
            email=f"nearby{number}@bench.invalid",
            point=point,
            radius_m=rng.choices([250, 500, 1000, 2000], weights=[40, 40, 15, 5])[0],
            confirmed_at=confirmed,
            language=rng.choice(["fr", "ar"]),
        )
        for number, point in enumerate(points)
    ]
    arrondissements = list(Authority.objects.filter(kind=Authority.Kind.ARRONDISSEMENT))
    alerts += [
        Alert(
            kind="arrondissement",
            email=f"area{number}@bench.invalid",
            arrondissement=rng.choice(arrondissements),
            confirmed_at=confirmed,
        )
        for number in range(ALERTS["arrondissement"])
    ]
    recent = list(
        Complaint.objects.order_by("-id").values_list("id", flat=True)[: 2 * ALERTS["report"]]
    )
    followed = rng.sample(recent, ALERTS["report"])
    alerts += [
        Alert(
            kind="report",
            email=f"follow{number}@bench.invalid",
            complaint_id=complaint_id,
            confirmed_at=confirmed,
        )
        for number, complaint_id in enumerate(followed)
    ]
    Alert.objects.bulk_create(alerts, batch_size=5000)
    categories = list(Category.objects.values_list("id", flat=True))
    chosen = Alert.categories.through
    area_alerts = list(Alert.objects.filter(kind="arrondissement").values_list("id", flat=True))
    chosen.objects.bulk_create(
        [
            chosen(alert_id=alert_id, category_id=category_id)
            for alert_id in area_alerts[: len(area_alerts) // 3]
            for category_id in rng.sample(categories, rng.choice([1, 2]))
        ],
        batch_size=5000,
    )
    Event.objects.bulk_create(
        [
            Event(
                complaint_id=complaint_id,
                kind="status_changed",
                is_public=True,
                from_status="submitted",
                to_status="acknowledged",
                public_message="Pris en charge (banc d'essai).",
                created_at=now - timedelta(minutes=rng.randint(1, 50)),
            )
            for complaint_id in followed[:UPDATED_FOLLOWS]
        ],
        batch_size=5000,
    )


def floor_statements() -> list[tuple[str, str]]:
    """Each kind's match as the bare SELECT (no recording, no uniqueness, no batching)."""
    return [(kind, select) for kind, (select, _item) in services.match_selects().items()]


def timed_in_rollback(work) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(REPEATS + 1):
        with transaction.atomic():
            started = time.perf_counter()
            result = work()
            samples.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return samples[1:], result


def main() -> None:
    emails_only = "--emails-only" in sys.argv  # one run, then the e-mail building figure only
    prepare()
    now = timezone.now()
    params = {"since": now - services.LOOKBACK}
    print(
        f"database {connection.settings_dict['NAME']}: {Complaint.objects.count():,} complaints "
        f"({NEW:,} in the last hour), {Alert.objects.count():,} alerts {ALERTS}, "
        f"{UPDATED_FOLLOWS:,} followed reports updated; {REPEATS} repeats, each rolled back"
    )
    if emails_only:
        time_email_building(now, emails=None)
        return
    floor_total = []
    for kind, select in floor_statements():

        def bare(select=select):
            with connection.cursor() as cursor:
                cursor.execute(select, params)
                return len(cursor.fetchall())

        samples, pairs = timed_in_rollback(bare)
        floor_total.append(samples)
        print(f"floor  bare match, {kind:<14} {pairs:>7,} pairs   {percentiles(samples)}")
    floor = [sum(run) for run in zip(*floor_total, strict=True)]
    print(f"floor  the three matches                     {percentiles(floor)}")

    def one_run():
        return services.send_alerts(now=now)

    samples, emails = timed_in_rollback(one_run)
    ratio = sorted(samples)[len(samples) // 2] / sorted(floor)[len(floor) // 2]
    print(
        f"send_alerts, first run: {emails:,} e-mails due   {percentiles(samples)}   "
        f"{ratio:.2f}× the floor"
    )

    def second_run():
        services.send_alerts(now=now)
        started = time.perf_counter()
        again = services.send_alerts(now=now)
        return again, (time.perf_counter() - started) * 1000

    again_samples = []
    for _ in range(1):
        with transaction.atomic():
            again, elapsed = second_run()
            again_samples.append(elapsed)
            transaction.set_rollback(True)
    print(
        f"send_alerts, run again with nothing new: {again} e-mails due, {again_samples[0]:.0f} ms"
    )

    time_email_building(now, emails)


def time_email_building(now, emails: int | None) -> None:
    with transaction.atomic():
        made = services.send_alerts(now=now)
        batch_ids = list(AlertBatch.objects.order_by("?").values_list("id", flat=True)[:200])
        started = time.perf_counter()
        for batch_id in batch_ids:
            services.alert_message(batch_id).message()
        per_email = (time.perf_counter() - started) * 1000 / len(batch_ids)
        transaction.set_rollback(True)
    emails = emails or made
    print(
        f"building one alert e-mail (text + HTML, fr/ar; 200 sampled): {per_email:.1f} ms "
        f"→ {emails:,} e-mails ≈ {emails * per_email / 1000 / 60:.1f} min of one worker"
    )


if __name__ == "__main__":
    main()
