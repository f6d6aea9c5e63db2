"""Deadlines in working days where a category says so: at filing, on re-routing and reopening,
on the tracking and confirmation pages (French and Arabic), and in Open311's expected date."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from districts.models import Authority, Category, NonWorkingDay
from districts.working_days import DayKind
from issues.models import Complaint
from issues.services import reopen, reroute, transition
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

CASABLANCA = ZoneInfo("Africa/Casablanca")
# Friday 8 January 2027, before the weekend and Monday 11 January (Manifeste de l'indépendance).
FRIDAY_BEFORE_A_HOLIDAY = datetime(2027, 1, 8, 10, 30, tzinfo=CASABLANCA)
S = Complaint.Status


@pytest.fixture
def potholes_in_working_days() -> Category:
    """Potholes acknowledged within 2 working days and answered within 10."""
    Category.objects.filter(code="roads-potholes").update(
        acknowledge_within_days=2,
        acknowledge_day_kind=DayKind.WORKING,
        answer_within_days=10,
        answer_day_kind=DayKind.WORKING,
    )
    return Category.objects.get(code="roads-potholes")


def text(html: str) -> str:
    """The page's text, tags and runs of white space reduced to one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_working_day_deadlines_skip_the_weekend_and_the_holidays(
    report_in, potholes_in_working_days
):
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa")

    # Sat 9, Sun 10, Mon 11 (holiday): Tue 12 and Wed 13 are the two working days.
    assert complaint.acknowledge_by == date(2027, 1, 13)
    # …then Thu 14 (Amazigh New Year) is skipped too: the tenth is Tuesday 26 January.
    assert complaint.answer_by == date(2027, 1, 26)
    assert (complaint.answer_days, complaint.answer_day_kind) == (10, DayKind.WORKING)


def test_a_closure_recorded_by_the_city_moves_the_deadline(report_in, potholes_in_working_days):
    NonWorkingDay.objects.create(day=date(2027, 1, 12), kind=NonWorkingDay.Kind.CLOSURE)

    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa")

    assert complaint.acknowledge_by == date(2027, 1, 15)


def test_calendar_day_categories_keep_their_deadlines(report_in):
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa", "water-leak")

    assert complaint.acknowledge_by == date(2027, 1, 23)  # 15 days, on a Saturday
    assert complaint.answer_by == date(2027, 3, 9)  # 60 days
    assert (complaint.acknowledge_days, complaint.acknowledge_day_kind) == (15, DayKind.CALENDAR)


def test_a_rerouted_report_gets_working_days_from_the_rerouting(
    report_in, potholes_in_working_days
):
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=CASABLANCA), tick=False):
        complaint = report_in("anfa")
    assert complaint.answer_by == date(2027, 1, 20)  # Mon 11 and Thu 14 skipped

    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        reroute(
            complaint=complaint,
            to_authority=Authority.objects.get(slug="maarif"),
            actor=UserFactory(),
            reason="Rue du Maârif",
        )

    assert complaint.acknowledge_by == date(2027, 1, 13)
    assert complaint.answer_by == date(2027, 1, 26)


def test_a_reopened_report_is_answered_in_working_days_from_the_reopening(
    report_in, potholes_in_working_days
):
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=CASABLANCA), tick=False):
        complaint = report_in("anfa")
        agent = UserFactory()
        transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=agent)
        transition(complaint=complaint, to_status=S.RESOLVED, actor=agent)

    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        reopen(complaint=complaint, reason="Le trou est toujours là.")

    assert complaint.answer_by == date(2027, 1, 26)


def test_the_tracking_page_says_working_days_in_french(client, report_in, potholes_in_working_days):
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa")

    page = text(client.get(f"/track/{complaint.reference}/").content.decode())

    assert "Prise en charge sous 2 jours ouvrés (avant le 13 janvier 2027)" in page
    assert "Réponse sous 10 jours ouvrés (avant le 26 janvier 2027)" in page


def test_the_tracking_page_says_calendar_days_in_french(client, report_in):
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa", "water-leak")

    page = text(client.get(f"/track/{complaint.reference}/").content.decode())

    assert "Prise en charge sous 15 jours (avant le 23 janvier 2027)" in page
    assert "Réponse sous 60 jours (avant le 9 mars 2027)" in page
    assert "ouvré" not in page


def test_the_tracking_page_says_working_days_in_arabic_with_its_plurals(
    client, report_in, potholes_in_working_days
):
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa")
        water = report_in("anfa", "water-leak")
    Category.objects.filter(code="roads-potholes").update(acknowledge_within_days=1)
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        one_day = report_in("anfa")

    def page(reference: str) -> str:
        response = client.get(f"/track/{reference}/", HTTP_ACCEPT_LANGUAGE="ar")
        return text(response.content.decode())

    assert "التكفل خلال يومَي عمل (قبل 13 يناير 2027)" in page(complaint.reference)
    assert "الرد خلال 10 أيام عمل (قبل 26 يناير 2027)" in page(complaint.reference)
    assert "التكفل خلال يوم عمل واحد (قبل 12 يناير 2027)" in page(one_day.reference)
    assert "التكفل خلال 15 يومًا (قبل 23 يناير 2027)" in page(water.reference)


def test_the_confirmation_page_says_which_rule_applies(client, point_in, potholes_in_working_days):
    point = point_in("anfa")
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        response = client.post(
            "/report/",
            {
                "kind": "complaint",
                "category": "roads-potholes",
                "title": "Nid-de-poule",
                "description": "Un trou profond devant le marché.",
                "lat": f"{point.y:.7f}",
                "lon": f"{point.x:.7f}",
            },
            follow=True,
        )

    page = text(response.content.decode())
    assert "Réponse sous 10 jours ouvrés (avant le 26 janvier 2027)" in page
    assert "15 jours" not in page  # the old fixed sentence is gone


def test_a_report_filed_before_promises_were_kept_shows_its_date_alone(client, report_in):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(
        answer_by=date(2027, 2, 1), answer_days=None, answer_day_kind=""
    )

    page = text(client.get(f"/track/{complaint.reference}/").content.decode())

    assert "Réponse avant le 1 février 2027" in page


def test_open311_expects_the_answer_at_the_end_of_the_last_working_day(
    client, report_in, potholes_in_working_days
):
    _key, secret = APIKey.objects.create_key(name="Test integrator")
    with time_machine.travel(FRIDAY_BEFORE_A_HOLIDAY, tick=False):
        complaint = report_in("anfa")

    request = client.get(f"/open311/v2/requests/{complaint.reference}.json").json()[0]

    assert request["expected_datetime"] == "2027-01-26T23:59:59+01:00"
    assert timezone.localdate(complaint.created_at) == date(2027, 1, 8)


def test_the_categories_api_says_how_the_days_are_counted(client, potholes_in_working_days):
    categories = client.get("/api/v1/categories/").json()

    potholes = next(c for c in categories if c["code"] == "roads-potholes")
    water = next(c for c in categories if c["code"] == "water-leak")
    assert (potholes["answer_days"], potholes["answer_day_kind"]) == (10, "working")
    assert (water["answer_days"], water["answer_day_kind"]) == (60, "calendar")
