"""The queue's "recurring only" filter (issue #27), on the page and in the staff API."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from issues.models import Complaint
from issues.services import transition
from tests.staff.conftest import signed_in
from tests.staff.test_api import token_client
from tests.staff.test_queue import references_in

S = Complaint.Status
FIXED_AT = datetime(2027, 5, 3, 11, 0, tzinfo=ZoneInfo("Africa/Casablanca"))


def test_staff_filter_the_queue_to_the_recurring_reports(anfa_agent, file_at, settings):
    settings.RECURRENCE_WITHIN_WEEKS = 6
    with time_machine.travel(FIXED_AT - timedelta(days=5), tick=False):
        earlier = file_at("anfa")
        transition(complaint=earlier, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    with time_machine.travel(FIXED_AT, tick=False):
        transition(complaint=earlier, to_status=S.RESOLVED, actor=anfa_agent.user)
    with time_machine.travel(FIXED_AT + timedelta(days=10), tick=False):
        again = file_at("anfa", east_m=10)
        unrelated = file_at("anfa", code="noise")

    page = signed_in(anfa_agent).get("/staff/", {"recurring": "true", "filtered": "1"})
    api = token_client(anfa_agent).get("/api/v1/staff/complaints/", {"recurring": "true"}).json()
    everything = references_in(signed_in(anfa_agent).get("/staff/", {"filtered": "1"}))

    assert references_in(page) == {again.reference}
    assert [feature["properties"]["reference"] for feature in api["features"]] == [again.reference]
    assert {again.reference, unrelated.reference, earlier.reference} <= everything


def test_the_staff_page_and_api_link_a_recurring_report_to_the_fixed_one(
    anfa_agent, file_at, settings
):
    with time_machine.travel(FIXED_AT - timedelta(days=5), tick=False):
        earlier = file_at("anfa")
        transition(complaint=earlier, to_status=S.ACKNOWLEDGED, actor=anfa_agent.user)
    with time_machine.travel(FIXED_AT, tick=False):
        transition(complaint=earlier, to_status=S.RESOLVED, actor=anfa_agent.user)
    with time_machine.travel(FIXED_AT + timedelta(days=10), tick=False):
        again = file_at("anfa", east_m=10)

    html = signed_in(anfa_agent).get(f"/staff/complaints/{again.reference}/").content.decode()
    detail = token_client(anfa_agent).get(f"/api/v1/staff/complaints/{again.reference}/").json()

    recurrence = html.split('data-testid="recurrence">')[1].split("</dd>")[0]
    assert f'href="/staff/complaints/{earlier.reference}/"' in recurrence
    assert detail["properties"]["recurrence_of"] == earlier.reference
