"""'Usually answered within N days' from the city's history (issue #27): recomputed from real
complaints and their status changes (dates frozen), stored, and read by the confirmation and
tracking pages, the API and Open311 through one selector."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from issues import selectors
from issues.answer_times import km_quantile
from issues.models import AnswerEstimate, Complaint
from issues.services import recompute_answer_estimates, transition
from issues.tasks import recompute_answer_estimates as recompute_task
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("casablanca")

S = Complaint.Status
CASABLANCA = ZoneInfo("Africa/Casablanca")
DAY_0 = datetime(2027, 5, 3, 9, 0, tzinfo=CASABLANCA)  # not in Ramadan (UTC+0 then)
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


@pytest.fixture(autouse=True)
def small_groups(settings):
    settings.ANSWER_ESTIMATE_MIN_REPORTS = 5
    settings.ANSWER_ESTIMATE_QUANTILE = 0.8


@pytest.fixture
def agent():
    return UserFactory()


@pytest.fixture
def history(report_in, agent):
    """`history(received_on_day, answered_after_days or None, code=…)`: a report of Anfa filed
    on DAY_0 + n and, unless None, resolved that many days later (acknowledged the day after
    it arrived, which is not an answer)."""

    def _file(received: float, answered_after: float | None, code: str = "roads-potholes"):
        arrival = DAY_0 + timedelta(days=received)
        with time_machine.travel(arrival, tick=False):
            complaint = report_in("anfa", code)
        if answered_after is not None:
            with time_machine.travel(arrival + timedelta(days=min(1, answered_after)), tick=False):
                transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=agent)
            with time_machine.travel(arrival + timedelta(days=answered_after), tick=False):
                transition(complaint=complaint, to_status=S.RESOLVED, actor=agent)
        return complaint

    return _file


def at(day: float) -> datetime:
    return DAY_0 + timedelta(days=day)


def slow_potholes_with_many_still_open(history):
    """8 answered in 2 days, 2 in 30 days, and 10 received on day 15 still open on day 35."""
    for _ in range(8):
        history(0, 2)
    for _ in range(2):
        history(0, 30)
    return [history(15, None) for _ in range(10)]


def test_reports_still_open_lengthen_the_estimate_they_would_shorten_if_ignored(history):
    open_reports = slow_potholes_with_many_still_open(history)

    recompute_answer_estimates(now=at(35))

    estimate = AnswerEstimate.objects.get(
        authority=open_reports[0].authority, category=open_reports[0].category
    )
    assert (estimate.reports, estimate.answered, estimate.days) == (20, 10, 30)
    answered_only = km_quantile([2] * 8 + [30] * 2, [True] * 10, 0.8)
    assert answered_only == 2  # what dropping the open reports would have promised


def test_an_answer_is_leaving_the_open_statuses_not_an_acknowledgement(history, report_in, agent):
    for _ in range(5):
        history(0, 4)
    rejected = history(0, None)
    with time_machine.travel(at(3), tick=False):
        transition(
            complaint=rejected, to_status=S.REJECTED, actor=agent, public_message="Hors champ."
        )

    recompute_answer_estimates(now=at(10))

    estimate = AnswerEstimate.objects.get(authority=rejected.authority, category=rejected.category)
    assert (estimate.reports, estimate.answered, estimate.days) == (6, 6, 4)


def test_a_report_answered_then_reopened_keeps_its_first_answer(history, agent):
    complaints = [history(0, 3) for _ in range(5)]
    with time_machine.travel(at(5), tick=False):
        Complaint.objects.filter(pk=complaints[0].pk).update(status=S.IN_PROGRESS, is_reopened=True)

    recompute_answer_estimates(now=at(20))

    estimate = AnswerEstimate.objects.get(
        authority=complaints[0].authority, category=complaints[0].category
    )
    assert (estimate.answered, estimate.days) == (5, 3)


def test_demo_reports_and_reports_older_than_the_window_are_not_history(history, settings):
    settings.ANSWER_ESTIMATE_HISTORY_DAYS = 30
    for _ in range(5):
        history(0, 9)  # outside the window on day 40
    recent = [history(20, 2) for _ in range(5)]
    demo = history(20, 15)
    Complaint.objects.filter(pk=demo.pk).update(is_demo=True)

    recompute_answer_estimates(now=at(40))

    estimate = AnswerEstimate.objects.get(authority=recent[0].authority, category=None)
    assert (estimate.reports, estimate.days) == (5, 2)


def test_recomputing_replaces_the_stored_estimates(history):
    complaints = [history(0, 2) for _ in range(5)]
    recompute_answer_estimates(now=at(10))
    first = set(AnswerEstimate.objects.values_list("pk", flat=True))

    recompute_answer_estimates(now=at(11))

    assert AnswerEstimate.objects.filter(pk__in=first).count() == 0
    assert AnswerEstimate.objects.filter(authority=complaints[0].authority).count() == 2
    assert AnswerEstimate.objects.get(category=None).computed_at == at(11)


def test_the_beat_task_and_the_command_recompute(history):
    for _ in range(5):
        history(0, 2)
    with time_machine.travel(at(10), tick=False):
        assert recompute_task() == 2
        out = StringIO()
        call_command("recompute_answer_estimates", stdout=out)

    assert out.getvalue().strip() == "groups: 2, with an estimate: 2"


def test_an_open_report_reads_its_category_estimate_with_the_date_it_gives(history):
    for _ in range(5):
        history(0, 6)
    recompute_answer_estimates(now=at(10))
    new = history(10, None)

    expectation = selectors.answer_expectation(new)

    assert (expectation.days, expectation.of_category, expectation.quantile) == (6, True, 0.8)
    assert expectation.by == new.created_at + timedelta(days=6)


def test_a_category_with_too_few_reports_reads_its_authority_figure(history):
    for _ in range(5):
        history(0, 6)
    history(0, 1, code="pavements")
    recompute_answer_estimates(now=at(10))
    lamp = history(10, None, code="pavements")

    expectation = selectors.answer_expectation(lamp)

    assert lamp.authority == history(10, None).authority  # the same arrondissement
    assert (expectation.days, expectation.of_category) == (6, False)


def test_an_answered_report_is_given_no_estimate(history):
    complaints = [history(0, 2) for _ in range(5)]
    recompute_answer_estimates(now=at(10))

    assert selectors.answer_expectation(complaints[0]) is None


def test_the_confirmation_and_tracking_pages_say_when_an_answer_is_likely(client, history):
    slow_potholes_with_many_still_open(history)
    recompute_answer_estimates(now=at(35))
    with time_machine.travel(at(36), tick=False):
        new = history(36, None)

    for url in (f"/report/{new.reference}/sent/", f"/track/{new.reference}/"):
        html = client.get(url).content.decode()
        estimate = re.search(r'data-testid="answer-estimate">([^<]+)<', html)
        assert estimate is not None, url
        assert "30" in estimate.group(1)
        assert 'data-testid="answer-promise"' in html  # next to the legal deadline


def test_the_pages_say_nothing_when_the_history_cannot_tell(client, history):
    """4 answered in 2 days, 6 still open after 20: the curve never reaches 80 %."""
    for _ in range(4):
        history(0, 2)
    for _ in range(6):
        history(0, None)
    recompute_answer_estimates(now=at(20))
    new = history(20, None)

    html = client.get(f"/track/{new.reference}/").content.decode()

    assert AnswerEstimate.objects.get(category=new.category).days is None
    assert selectors.answer_expectation(new) is None
    assert "answer-estimate" not in html


def test_the_api_gives_the_estimate_in_days(client, history):
    for _ in range(5):
        history(0, 6)
    recompute_answer_estimates(now=at(10))
    new, unknown = history(10, None), history(10, None, code="pavements")
    AnswerEstimate.objects.filter(category=None).delete()

    assert (
        client.get(f"/api/v1/complaints/{new.reference}/").json()["properties"][
            "usually_answered_within_days"
        ]
        == 6
    )
    assert (
        client.get(f"/api/v1/complaints/{unknown.reference}/").json()["properties"][
            "usually_answered_within_days"
        ]
        is None
    )


def test_open311_expects_the_usual_answer_in_w3c_format(client, history):
    for _ in range(5):
        history(0, 6)
    recompute_answer_estimates(now=at(10))
    new = history(10, None)

    for url in (
        f"/open311/v2/requests/{new.reference}.json",
        "/open311/v2/requests.json?status=open",
    ):
        with time_machine.travel(at(11), tick=False):  # the list's default window: recent ones
            found = client.get(url).json()
        request = next(r for r in found if r["service_request_id"] == new.reference)
        assert W3C.match(request["expected_datetime"]), request["expected_datetime"]
        assert request["expected_datetime"] == timezone.localtime(
            new.created_at + timedelta(days=6)
        ).isoformat(timespec="seconds")
        assert "6" in request["service_notice"]
    assert request["expected_datetime"] == "2027-05-19T09:00:00+01:00"


def test_open311_falls_back_to_the_legal_deadline_without_an_estimate(client, history):
    new = history(10, None)

    request = client.get(f"/open311/v2/requests/{new.reference}.json").json()[0]

    assert request["expected_datetime"] == timezone.make_aware(
        datetime.combine(new.answer_by, datetime.max.time().replace(microsecond=0))
    ).isoformat(timespec="seconds")
