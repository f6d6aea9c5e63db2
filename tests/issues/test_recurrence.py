"""Recurring problems (issue #27): a new report of a category where one of the same category was
fixed in the last RECURRENCE_WITHIN_WEEKS is flagged, linked to it, and its reporter told; dates
frozen on both sides of the window's edge."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from districts.models import Category
from issues.models import Complaint, Event, OwedEmail
from issues.services import create_complaint, transition
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

S = Complaint.Status
FIXED_AT = datetime(2027, 5, 3, 11, 0, tzinfo=ZoneInfo("Africa/Casablanca"))


@pytest.fixture(autouse=True)
def window(settings):
    settings.RECURRENCE_WITHIN_WEEKS = 6
    settings.RECURRENCE_RADIUS_METRES = 50


@pytest.fixture
def fixed(file_at):
    """A pothole of Anfa, reported by a citizen with an e-mail address, fixed at FIXED_AT."""

    def _fixed(code: str = "roads-potholes", status: str = S.RESOLVED, **fields):
        with time_machine.travel(FIXED_AT - timedelta(days=10), tick=False):
            earlier = file_at("anfa", code=code)
        Complaint.objects.filter(pk=earlier.pk).update(
            contact_email="premier@example.org", notify_by=Complaint.NotifyBy.EMAIL, **fields
        )
        agent = UserFactory()
        with time_machine.travel(FIXED_AT - timedelta(days=9), tick=False):
            transition(complaint=earlier, to_status=S.ACKNOWLEDGED, actor=agent)
        with time_machine.travel(FIXED_AT, tick=False):
            if status == S.REJECTED:
                transition(complaint=earlier, to_status=status, actor=agent, public_message="Non.")
            else:
                transition(complaint=earlier, to_status=S.RESOLVED, actor=agent)
        earlier.refresh_from_db()
        return earlier

    return _fixed


def file_after(file_at, delay: timedelta, **fields):
    with time_machine.travel(FIXED_AT + delay, tick=False):
        return file_at("anfa", **fields)


def test_a_report_just_inside_the_window_recurs_one_just_outside_does_not(fixed, file_at):
    earlier = fixed()

    inside = file_after(file_at, timedelta(weeks=6) - timedelta(seconds=1), east_m=20)
    outside = file_after(file_at, timedelta(weeks=6) + timedelta(seconds=1), east_m=20)

    assert inside.recurrence_of == earlier and inside.is_recurring
    assert outside.recurrence_of is None and not outside.is_recurring
    assert list(earlier.recurrences.all()) == [inside]


def test_the_window_is_settable(fixed, file_at, settings):
    fixed()
    settings.RECURRENCE_WITHIN_WEEKS = 2

    assert file_after(file_at, timedelta(weeks=3)).recurrence_of is None


def test_another_category_a_farther_place_or_an_unfixed_report_is_no_recurrence(fixed, file_at):
    fixed()
    rejected = fixed(code="pavements", status=S.REJECTED)

    elsewhere = file_after(file_at, timedelta(days=3), east_m=80)
    other_category = file_after(file_at, timedelta(days=3), code="street-lighting")
    after_a_rejection = file_after(file_at, timedelta(days=3), code="pavements")

    assert elsewhere.recurrence_of is None
    assert other_category.recurrence_of is None
    assert after_a_rejection.recurrence_of is None and rejected.recurrences.count() == 0


def test_the_nearest_fixed_report_is_the_one_recurred(fixed, file_at):
    fixed()
    with time_machine.travel(FIXED_AT - timedelta(days=30), tick=False):
        nearer = file_at("anfa", east_m=30)
    Complaint.objects.filter(pk=nearer.pk).update(status=S.RESOLVED, resolved_at=FIXED_AT)

    again = file_after(file_at, timedelta(days=3), east_m=28)

    assert again.recurrence_of == nearer


def test_the_earlier_reporter_is_told_and_staff_see_the_link(
    fixed, file_at, django_capture_on_commit_callbacks
):
    earlier = fixed()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = file_after(file_at, timedelta(days=3))

    told = Event.objects.filter(complaint=earlier, kind=Event.Kind.MESSAGE).get()
    assert told.is_public and again.reference in told.public_message
    assert OwedEmail.objects.get(key=f"update:{told.pk}").sent_at is not None
    assert [message.to for message in mail.outbox] == [["premier@example.org"]]
    note = Event.objects.get(complaint=again, kind=Event.Kind.MESSAGE)
    assert not note.is_public and earlier.reference in note.internal_note


def test_a_pending_report_is_not_named_to_the_earlier_reporter(fixed, file_at):
    earlier = fixed()
    with time_machine.travel(FIXED_AT + timedelta(days=3), tick=False):
        Category.objects.filter(code="roads-potholes").update(is_premoderated=True)
        again = file_at("anfa")

    told = Event.objects.get(complaint=earlier, kind=Event.Kind.MESSAGE)
    assert again.recurrence_of == earlier
    assert again.reference not in told.public_message


def test_demo_reports_never_recur(fixed):
    earlier = fixed()
    with time_machine.travel(FIXED_AT + timedelta(days=1), tick=False):
        demo = create_complaint(
            category=Category.objects.get(code="roads-potholes"),
            location=earlier.location,
            title="[Démo] Chaussée",
            description="Démo.",
            is_demo=True,
        )

    assert demo.recurrence_of is None
    assert not Event.objects.filter(complaint=earlier, kind=Event.Kind.MESSAGE).exists()
