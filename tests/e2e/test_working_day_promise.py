"""The promise of a working-day category, read on an Arabic phone: the right plural, right to
left, and nothing wider than 320 px."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from districts.models import Category
from districts.working_days import DayKind
from issues.services import create_complaint

pytestmark = pytest.mark.e2e


def test_the_working_day_promise_reads_on_an_arabic_phone(live_city, browser, point_in):
    Category.objects.filter(code="roads-potholes").update(
        answer_within_days=10, answer_day_kind=DayKind.WORKING
    )
    friday = datetime(2027, 1, 8, 10, tzinfo=ZoneInfo("Africa/Casablanca"))
    with time_machine.travel(friday, tick=False):
        complaint = create_complaint(
            category=Category.objects.get(code="roads-potholes"),
            location=point_in("anfa"),
            title="Nid-de-poule",
            description="Profond, devant l'école.",
        )
    context = browser.new_context(locale="ar-MA", viewport={"width": 320, "height": 740})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(f"{live_city.url}/track/{complaint.reference}/")
        promise = page.get_by_test_id("answer-promise")

        assert promise.inner_text() == "خلال 10 أيام عمل (قبل 26 يناير 2027)"
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        box = promise.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
