"""Keyset pages (`cursor`) for the public list and the staff API: every report once, in the
list's order, and a report filed while a client walks the pages never shifts them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues.models import Complaint
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
