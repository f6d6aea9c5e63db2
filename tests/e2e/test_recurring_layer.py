"""The planners' map draws the recurring reports (issue #27) as a layer of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from districts.models import Category
from issues.models import Complaint
from issues.services import create_complaint, transition
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_the_recurring_reports_are_dots_on_the_planners_map(live_city, point_in, page):
    fields = {
        "category": Category.objects.get(code="roads-potholes"),
        "location": point_in("anfa"),
        "title": "Nid-de-poule",
        "description": "Profond.",
    }
    agent = UserFactory()
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=12), tick=False):
        earlier = create_complaint(**fields)
        transition(complaint=earlier, to_status=Complaint.Status.ACKNOWLEDGED, actor=agent)
    with time_machine.travel(now - timedelta(days=10), tick=False):
        transition(complaint=earlier, to_status=Complaint.Status.RESOLVED, actor=agent)
    again = create_complaint(**fields)
    assert again.recurrence_of == earlier

    page.goto(live_city.url + "/planning/")
    page.wait_for_function("() => document.getElementById('planning-map').dataset.recurring")

    assert page.locator("#planning-map").get_attribute("data-recurring") == "1"
    assert page.locator("#planning-map path.recurring-marker").count() == 1
    assert page.locator("#recurring-table tr[data-slug=anfa] td").inner_text() == "1"
    page.locator("#recurring-title").scroll_into_view_if_needed()
    page.locator("#planning-map").screenshot(path="/tmp/shots-answer-estimate/planning-map.png")
    page.locator("#recurring-table").screenshot(
        path="/tmp/shots-answer-estimate/planning-recurring.png"
    )
