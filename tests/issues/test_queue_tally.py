"""The queue tallies (counts per authority, status and deadlines) stay equal to counting the
complaints, whatever changes them: services, a bulk SQL update, a deletion; and can be rebuilt."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from districts.models import Authority, Category
from issues.models import Complaint, QueueTally
from issues.services import create_complaint, reopen, reroute, transition
from tests.factories import UserFactory

S = Complaint.Status
CHECK_DATES = [date(2026, 1, 1), date(2026, 3, 20), date(2026, 5, 1), date(2026, 12, 31)]


def counted_from_complaints() -> tuple[Counter, Counter]:
    per_status = Counter(
        {
            (row["authority_id"], row["status"]): row["n"]
            for row in Complaint.objects.values("authority_id", "status")
            .order_by()
            .annotate(n=Count("id"))
        }
    )
    overdue = Counter()
    for today in CHECK_DATES:
        for complaint in Complaint.objects.filter(Complaint.overdue_condition(today)):
            overdue[(complaint.authority_id, today)] += 1
    return per_status, overdue


def read_from_tallies() -> tuple[Counter, Counter]:
    per_status = Counter()
    for tally in QueueTally.objects.all():
        per_status[(tally.authority_id, tally.status)] += tally.complaints
    overdue = Counter()
    for today in CHECK_DATES:
        for tally in QueueTally.objects.filter(Complaint.overdue_condition(today)):
            overdue[(tally.authority_id, today)] += tally.complaints
    return +per_status, +overdue


def assert_tallies_match_complaints():
    assert read_from_tallies() == counted_from_complaints()


@pytest.fixture
def file_in(casablanca, point_in):
    def _file(slug: str, code: str = "roads-potholes", on: date = date(2026, 3, 1)):
        with time_machine.travel(on, tick=False):
            return create_complaint(
                category=Category.objects.get(code=code),
                location=point_in(slug),
                title=f"Problème à {slug}",
                description="Description.",
            )

    return _file


def test_tallies_follow_every_kind_of_change(file_in):
    agent = UserFactory()
    anfa_old = file_in("anfa", on=date(2026, 1, 5))
    anfa_new = file_in("anfa")
    maarif_light = file_in("maarif", "street-lighting")
    sidi_belyout = [file_in("sidi-belyout", on=date(2026, 2, day)) for day in (1, 2, 3)]
    assert_tallies_match_complaints()

    transition(complaint=anfa_new, to_status=S.ACKNOWLEDGED, actor=agent)
    transition(complaint=anfa_new, to_status=S.RESOLVED, actor=agent)
    transition(complaint=anfa_old, to_status=S.REJECTED, actor=agent, public_message="Non.")
    assert_tallies_match_complaints()

    reroute(
        complaint=maarif_light,
        to_authority=Authority.objects.get(slug="maarif"),
        actor=agent,
        reason="L'arrondissement s'en charge.",
    )
    assert_tallies_match_complaints()

    with time_machine.travel(date(2026, 3, 10), tick=False):
        reopen(complaint=anfa_new, reason="Toujours là.")
    assert_tallies_match_complaints()

    # Writes outside the services: a bulk UPDATE and a deletion.
    Complaint.objects.filter(pk__in=[c.pk for c in sidi_belyout[:2]]).update(
        status=S.IN_PROGRESS, answer_by=date(2026, 2, 20)
    )
    sidi_belyout[2].delete()
    assert_tallies_match_complaints()


def test_tallies_of_closed_complaints_keep_no_deadlines_and_empty_rows_go(file_in):
    agent = UserFactory()
    original = file_in("anfa", on=date(2026, 2, 1))
    complaint = file_in("anfa")
    transition(complaint=original, to_status=S.REJECTED, actor=agent, public_message="Non.")
    transition(complaint=complaint, to_status=S.DUPLICATE, actor=agent, duplicate_of=original)

    rows = list(
        QueueTally.objects.filter(authority=complaint.authority)
        .order_by("status")
        .values("status", "acknowledge_by", "answer_by", "complaints")
    )

    assert rows == [
        {"status": S.DUPLICATE, "acknowledge_by": None, "answer_by": None, "complaints": 1},
        {"status": S.REJECTED, "acknowledge_by": None, "answer_by": None, "complaints": 1},
    ]


def test_complaints_filed_the_same_day_share_one_row(file_in):
    for _ in range(3):
        file_in("anfa")

    tally = QueueTally.objects.get(authority__slug="anfa")

    assert tally.complaints == 3
    assert tally.acknowledge_by == date(2026, 3, 16)
    assert tally.answer_by == date(2026, 3, 1) + timedelta(days=60)


def test_rebuild_gives_back_the_same_tallies(file_in):
    agent = UserFactory()
    for slug in ("anfa", "maarif", "anfa"):
        transition(complaint=file_in(slug), to_status=S.ACKNOWLEDGED, actor=agent)
    file_in("ain-chock", on=date(2026, 1, 2))
    kept = sorted(QueueTally.objects.values_list("authority_id", "status", "complaints"))

    with connection.cursor() as cursor:  # as a load with the triggers off would leave it
        cursor.execute("UPDATE issues_queuetally SET complaints = complaints + 7")
    call_command("rebuild_queue_tallies", stdout=io.StringIO())

    assert sorted(QueueTally.objects.values_list("authority_id", "status", "complaints")) == kept
    assert_tallies_match_complaints()
