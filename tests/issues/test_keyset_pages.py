"""Keyset pages (`cursor`) for the public list and the staff API: every report once, in the
list's order, and a report filed while a client walks the pages never shifts them."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import Authority
from issues.models import Complaint
from issues.moderation import moderate
from issues.services import transition
from tests.factories import StaffMembershipFactory
from tests.issues.test_public_api import references

pytestmark = pytest.mark.usefixtures("casablanca")

START = datetime(2026, 3, 1, 9, tzinfo=timezone.get_default_timezone())


def filed_an_hour_apart(report_in, count: int, *, same_time_pairs: bool = False) -> list[str]:
    """References of `count` reports, oldest first; with `same_time_pairs`, two by two at the
    same instant (the keyset must then break ties by id)."""
    filed = []
    for index in range(count):
        hours = index // 2 if same_time_pairs else index
        with time_machine.travel(START + timedelta(hours=hours), tick=False):
            filed.append(report_in("anfa").reference)
    return filed


def walk(client, url: str, params: dict) -> tuple[list[str], list[dict]]:
    pages, seen = [], []
    answer = client.get(url, params).json()
    while True:
        pages.append(answer)
        seen += [feature["properties"]["reference"] for feature in answer["features"]]
        if answer["next"] is None:
            return seen, pages
        answer = client.get(answer["next"]).json()


def test_cursor_pages_give_every_report_once_newest_first(client, report_in):
    filed = filed_an_hour_apart(report_in, 7, same_time_pairs=True)

    seen, pages = walk(client, "/api/v1/complaints/", {"cursor": "", "page_size": 2})

    newest_first = [
        complaint.reference for complaint in Complaint.objects.order_by("-created_at", "-id")
    ]
    assert seen == newest_first
    assert sorted(seen) == sorted(filed)
    assert len(pages) == 4
    assert pages[0]["count"] == 7  # the tallies' exact count, with no filter
    assert pages[1]["previous"] is not None


def test_a_report_filed_between_two_pages_does_not_shift_the_next_one(client, report_in):
    filed = filed_an_hour_apart(report_in, 4)
    first = client.get("/api/v1/complaints/", {"cursor": "", "page_size": 2}).json()

    with time_machine.travel(START + timedelta(days=1), tick=False):
        report_in("anfa")  # newest of all, filed while the client reads page one
    second = client.get(first["next"]).json()

    by_page_number = client.get("/api/v1/complaints/", {"page": 2, "page_size": 2})
    assert references_of(first) + references_of(second) == filed[::-1]
    # With page numbers the newcomer pushes a report of page one onto page two.
    assert references(by_page_number)[0] == filed[-2]


def references_of(page: dict) -> list[str]:
    return [feature["properties"]["reference"] for feature in page["features"]]


def test_cursor_pages_follow_the_requested_order(client, report_in):
    filed = filed_an_hour_apart(report_in, 5)

    seen, _pages = walk(
        client, "/api/v1/complaints/", {"cursor": "", "page_size": 2, "ordering": "created_at"}
    )

    assert seen == filed


def test_a_deep_cursor_page_uses_no_offset(client, report_in):
    filed_an_hour_apart(report_in, 5)
    first = client.get("/api/v1/complaints/", {"cursor": "", "page_size": 2}).json()
    second = client.get(first["next"]).json()

    with CaptureQueriesContext(connection) as queries:
        client.get(second["next"])

    listing = [q["sql"] for q in queries.captured_queries if "issues_complaint" in q["sql"]]
    assert listing and not any("OFFSET" in sql for sql in listing)


def test_a_forged_cursor_is_refused(client, report_in):
    report_in("anfa")

    answer = client.get("/api/v1/complaints/", {"cursor": "not-a-cursor"})

    assert answer.status_code == 400
    assert answer.json()["parameter"] == "cursor"


def test_reports_filed_between_every_page_never_make_one_seen_twice_or_missed(client, report_in):
    filed = filed_an_hour_apart(report_in, 6, same_time_pairs=True)
    seen = []
    answer = client.get("/api/v1/complaints/", {"cursor": "", "page_size": 2}).json()
    for day in range(1, 10):
        seen += references_of(answer)
        if answer["next"] is None:
            break
        with time_machine.travel(START + timedelta(days=day), tick=False):
            report_in("maarif")  # newer than every page: never among the rest of the walk
        answer = client.get(answer["next"]).json()

    assert seen == [
        c.reference
        for c in Complaint.objects.filter(reference__in=filed).order_by("-created_at", "-id")
    ]


@pytest.fixture
def hidden_and_pending(report_in):
    """A report hidden by a moderator and one awaiting pre-moderation, both open potholes in
    Anfa, like the published ones around them."""
    moderator = StaffMembershipFactory(
        role="moderator", authority=Authority.objects.get(slug="anfa")
    ).user
    hidden = report_in("anfa")
    moderate(complaint=hidden, actor=moderator, decision="hide", reason="Insulte")
    pending = report_in("anfa", premoderated=True)
    return {hidden.reference, pending.reference}


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "open"},
        {"status": "open", "category": "roads-potholes"},  # the heat pyramid's count
        {"category": "roads-potholes", "arrondissement": "anfa"},
        {"authority": "anfa", "status": "submitted"},  # the queue tallies' count
    ],
)
def test_unpublished_reports_are_never_listed_nor_counted(
    client, report_in, hidden_and_pending, filters
):
    published = set(filed_an_hour_apart(report_in, 3))
    report_in("maarif", "noise")  # not potholes: counted only without a category filter

    seen, pages = walk(client, "/api/v1/complaints/", {**filters, "cursor": "", "page_size": 2})
    by_number = client.get("/api/v1/complaints/", {**filters, "page_size": 2}).json()

    assert not set(seen) & hidden_and_pending
    assert published <= set(seen)
    assert pages[0]["count"] == by_number["count"] == len(seen)


def test_the_pyramid_counts_open_potholes_without_counting_complaints(client, report_in):
    filed_an_hour_apart(report_in, 3)
    refused = report_in("anfa")  # a closed pothole: not counted
    supervisor = StaffMembershipFactory(authority=None, role="supervisor").user
    for status in (Complaint.Status.ACKNOWLEDGED, Complaint.Status.REJECTED):
        transition(complaint=refused, to_status=status, actor=supervisor, public_message="Vu.")

    with CaptureQueriesContext(connection) as queries:
        answer = client.get(
            "/api/v1/complaints/", {"status": "open", "category": "roads-potholes", "page": 1}
        ).json()

    assert answer["count"] == 3
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not any("issues_complaint" in sql for sql in counts)


def test_a_count_the_tallies_do_not_hold_is_an_estimate_labelled_as_such(client, report_in):
    filed_an_hour_apart(report_in, 3)

    answer = client.get(
        "/api/v1/complaints/", {"cursor": "", "received_after": "2026-01-01"}
    ).json()

    assert answer["count"] is None
    assert isinstance(answer["count_estimate"], int) and answer["count_estimate"] >= 0
    assert len(answer["features"]) == 3


def test_a_cursor_with_a_forged_position_is_a_400_not_a_server_error(client, report_in):
    report_in("anfa")
    forged = base64.b64encode(b"p=not-a-moment").decode()

    answer = client.get("/api/v1/complaints/", {"cursor": forged})

    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_parameter"
    assert answer.json()["error"].startswith("cursor: ")


def test_a_sort_with_ties_is_walked_whole_by_every_field_of_the_order(client, report_in):
    filed = filed_an_hour_apart(report_in, 6)
    supports = [2, 0, 2, 0, 0, 1]
    for reference, count in zip(filed, supports, strict=True):
        Complaint.objects.filter(reference=reference).update(support_count=count)
    params = {"cursor": "", "page_size": 1, "ordering": "-support_count,created_at"}

    seen, pages = walk(client, "/api/v1/complaints/", params)

    expected = Complaint.objects.order_by("-support_count", "created_at", "-id")
    assert seen == [c.reference for c in expected]
    assert len(pages) == 6


def test_previous_links_walk_back_the_same_pages(client, report_in):
    filed_an_hour_apart(report_in, 5, same_time_pairs=True)
    forward, pages = walk(client, "/api/v1/complaints/", {"cursor": "", "page_size": 2})

    backward = []
    answer = pages[-1]
    while answer["previous"] is not None:
        answer = client.get(answer["previous"]).json()
        backward = references_of(answer) + backward

    assert backward + references_of(pages[-1]) == forward
