"""'Usually answered within N days' on a phone (issue #27): on the confirmation and tracking
pages, next to the legal deadline, inside 320 px, in French and in Arabic (right to left).
Screenshots are left in /tmp/shots-answer-estimate to be looked at."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from districts.models import Category
from issues.models import Complaint
from issues.services import create_complaint, recompute_answer_estimates, transition
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-answer-estimate")
DAY_0 = datetime(2027, 5, 3, 9, 0, tzinfo=ZoneInfo("Africa/Casablanca"))


@pytest.fixture
def answered_potholes(live_city, point_in, settings):
    """Five potholes of Anfa resolved 12 days after they arrived, the estimates recomputed, and
    a new pothole still open."""
    settings.ANSWER_ESTIMATE_MIN_REPORTS = 5
    agent = UserFactory()
    fields = {
        "category": Category.objects.get(code="roads-potholes"),
        "location": point_in("anfa"),
        "title": "Nid-de-poule",
        "description": "Profond, devant l'école.",
    }
    for _ in range(5):
        with time_machine.travel(DAY_0, tick=False):
            complaint = create_complaint(**fields)
        for days, status in ((1, Complaint.Status.ACKNOWLEDGED), (12, Complaint.Status.RESOLVED)):
            with time_machine.travel(DAY_0 + timedelta(days=days), tick=False):
                transition(complaint=complaint, to_status=status, actor=agent)
    recompute_answer_estimates(now=DAY_0 + timedelta(days=20))
    return create_complaint(**fields)


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
@pytest.mark.parametrize("page_name", ["sent", "track"])
def test_the_usual_wait_reads_next_to_the_deadline_on_a_small_phone(
    live_city, browser, answered_potholes, locale, page_name
):
    url = {
        "sent": f"/report/{answered_potholes.reference}/sent/",
        "track": f"/track/{answered_potholes.reference}/",
    }[page_name]
    context = browser.new_context(locale=locale, viewport={"width": 320, "height": 740})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"{live_city.url}{url}")
        estimate = page.get_by_test_id("answer-estimate")
        deadline = page.get_by_test_id("answer-promise")

        assert estimate.is_visible()
        assert "12" in estimate.inner_text()
        assert deadline.locator("[data-testid=answer-estimate]").count() == 1  # next to it
        box = estimate.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        direction = page.evaluate("getComputedStyle(document.documentElement).direction")
        assert direction == ("rtl" if locale.startswith("ar") else "ltr")
        SHOTS.mkdir(exist_ok=True)
        deadline.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / f"{page_name}-{locale}.png")
    finally:
        context.close()
