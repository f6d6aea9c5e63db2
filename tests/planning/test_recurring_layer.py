"""Recurring problems for planners (issue #27): a count per arrondissement, a map layer at the
public positions (sensitive categories left out) and a CSV, for the selection."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from issues.models import Complaint
from issues.services import transition
from planning import selectors
from planning.selection import Selection
from tests.factories import UserFactory
from tests.planning.test_planners_pages import page_config

S = Complaint.Status
FIXED_AT = datetime(2027, 5, 3, 11, 0, tzinfo=ZoneInfo("Africa/Casablanca"))


def fixed_then_reported_again(file_at, slug: str, code: str = "roads-potholes"):
    agent = UserFactory()
    with time_machine.travel(FIXED_AT - timedelta(days=5), tick=False):
        earlier = file_at(slug, code=code)
        transition(complaint=earlier, to_status=S.ACKNOWLEDGED, actor=agent)
    with time_machine.travel(FIXED_AT, tick=False):
        transition(complaint=earlier, to_status=S.RESOLVED, actor=agent)
    with time_machine.travel(FIXED_AT + timedelta(days=7), tick=False):
        return file_at(slug, code=code, east_m=15)


def test_planners_see_recurring_reports_per_arrondissement_and_on_the_map(client, file_at):
    anfa_again = [fixed_then_reported_again(file_at, "anfa") for _ in range(2)]
    noise_again = fixed_then_reported_again(file_at, "maarif", code="noise")
    file_at("maarif")  # an ordinary report

    html = client.get("/planning/", {"status": "all"}).content.decode()
    table = html.split('id="recurring-table"')[1].split("</table>")[0]
    counts = {
        row["slug"]: row["recurring"]
        for row in selectors.figure("recurring", Selection(statuses=tuple(S.values)))
    }
    points = page_config(html)["recurring"]

    assert counts["anfa"] == 2 and counts["maarif"] == 1 and sum(counts.values()) == 3
    assert 'data-slug="anfa"' in table
    assert {point["reference"] for point in points} == {c.reference for c in anfa_again}
    assert noise_again.reference not in html  # sensitive: counted, never a dot


def test_the_recurring_counts_download_as_csv(client, file_at):
    fixed_then_reported_again(file_at, "anfa")

    response = client.get("/planning/export/recurring.csv", {"status": "all"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert response.status_code == 200
    assert {row["name"]: row["recurring"] for row in rows}["Anfa"] == "1"
