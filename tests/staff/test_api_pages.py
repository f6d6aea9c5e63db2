"""Pages of the staff API's queue: keyset pages (`cursor`) in the queue's `sort` order with the
page numbers still working, and counts from the queue tallies (exact, every moderation state)
or an estimate labelled as such."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Complaint
from issues.moderation import moderate
from tests.factories import StaffMembershipFactory
from tests.staff.test_api import token_client

QUEUE = "/api/v1/staff/complaints/"
START = datetime(2026, 3, 1, 9, tzinfo=timezone.get_default_timezone())


def filed_in_anfa(report_in, count: int) -> list[Complaint]:
    filed = []
    for index in range(count):
        with time_machine.travel(START + timedelta(hours=index), tick=False):
            filed.append(report_in("anfa"))
    return filed


def references_of(page: dict) -> list[str]:
    return [feature["properties"]["reference"] for feature in page["features"]]


def walk(api, params: dict, *, between_pages=None) -> tuple[list[str], list[dict]]:
    pages, seen = [], []
    answer = api.get(QUEUE, params).json()
    while True:
        pages.append(answer)
        seen += references_of(answer)
        if answer["next"] is None or len(pages) > 20:
            return seen, pages
        if between_pages is not None:
            between_pages(len(pages))
        answer = api.get(answer["next"]).json()


def test_cursor_pages_visit_the_queue_once_while_reports_arrive(anfa_agent, report_in):
    filed = filed_in_anfa(report_in, 5)

    def file_a_newer_one(page: int) -> None:
        with time_machine.travel(START + timedelta(days=page), tick=False):
            report_in("anfa")

    seen, pages = walk(
        token_client(anfa_agent),
        {"cursor": "", "page_size": 2},
        between_pages=file_a_newer_one,
    )

    assert seen == [c.reference for c in reversed(filed)]
    assert pages[0]["count"] == 5  # exact, from the queue tallies


def test_cursor_pages_follow_the_sort(anfa_agent, report_in):
    filed = filed_in_anfa(report_in, 4)
    supports = {filed[0].pk: 3, filed[1].pk: 0, filed[2].pk: 7, filed[3].pk: 1}
    for pk, count in supports.items():
        Complaint.objects.filter(pk=pk).update(support_count=count)

    seen, _pages = walk(
        token_client(anfa_agent), {"cursor": "", "page_size": 1, "sort": "-supports"}
    )

    by_supports = sorted(filed, key=lambda c: -supports[c.pk])
    assert seen == [c.reference for c in by_supports]


def test_page_numbers_still_work(anfa_agent, report_in):
    filed = filed_in_anfa(report_in, 3)
    api = token_client(anfa_agent)

    first = api.get(QUEUE, {"page_size": 2}).json()
    second = api.get(QUEUE, {"page_size": 2, "page": 2}).json()

    assert references_of(first) + references_of(second) == [c.reference for c in reversed(filed)]
    assert first["count"] == second["count"] == 3


def test_the_queue_counts_hidden_reports_from_the_tallies_without_counting_rows(
    anfa_agent, report_in
):
    filed = filed_in_anfa(report_in, 3)
    moderator = StaffMembershipFactory(role="moderator", authority=anfa_agent.authority).user
    moderate(complaint=filed[0], actor=moderator, decision="hide", reason="Insulte")
    report_in("maarif")  # another authority's: neither listed nor counted

    with CaptureQueriesContext(connection) as queries:
        answer = token_client(anfa_agent).get(QUEUE, {"status": "submitted", "page": 1}).json()

    assert answer["count"] == 3  # the staff see every moderation state
    assert sorted(references_of(answer)) == sorted(c.reference for c in filed)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("issues_complaint" in sql for sql in counts)


def test_a_filtered_queue_by_cursor_gives_an_estimate_labelled_as_such(anfa_agent, report_in):
    filed_in_anfa(report_in, 2)

    answer = token_client(anfa_agent).get(QUEUE, {"cursor": "", "category": "roads-potholes"})

    body = answer.json()
    assert body["count"] is None
    assert isinstance(body["count_estimate"], int)
    assert len(body["features"]) == 2


@pytest.mark.parametrize("cursor", ["%%%", "cD0yMDI2", "bz0tMQ=="])
def test_a_bad_cursor_is_a_400_naming_it(anfa_agent, report_in, cursor):
    report_in("anfa")

    answer = token_client(anfa_agent).get(QUEUE, {"cursor": cursor})

    assert answer.status_code == 400
    assert answer.json()["parameter"] == "cursor"
