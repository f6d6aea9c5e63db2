"""The report form's nearby step ranks possible duplicates again as the citizen describes the
problem (issue #27): the same problem a little further away rises above a nearer different
one, a recently closed report is shown without a support button, and one tap supports the
right one instead of filing. Screenshots at 320 px in French and Arabic: /tmp/duplicates-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from districts.models import Category
from issues.models import Complaint, Support
from issues.services import create_complaint
from tests.e2e.test_report_flow import drop_pin_in_the_middle_of_the_map

pytestmark = pytest.mark.e2e


def file_east_of(pin: Point, metres: float, title: str, description: str) -> Complaint:
    return create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=Point(pin.x + metres / 92_800, pin.y, srid=4326),
        title=title,
        description=description,
    )


def first_reference_is(page, reference: str) -> None:
    page.wait_for_function(
        "ref => { const first = document.querySelector('#duplicate-list li');"
        " return first !== null && first.textContent.includes(ref); }",
        arg=reference,
    )


def offer_duplicates(page, live_city):
    page.goto(live_city.url + "/report/")
    pin = drop_pin_in_the_middle_of_the_map(page)
    pavement = file_east_of(pin, 10, "Trottoir cassé", "Les dalles du trottoir sont soulevées")
    hole = file_east_of(
        pin, 70, "Trou dans la chaussée", "Un gros trou dans la chaussée devant l'école"
    )
    fixed = file_east_of(pin, 40, "Caniveau bouché", "Réparé la semaine dernière")
    Complaint.objects.filter(pk=fixed.pk).update(
        status=Complaint.Status.RESOLVED, resolved_at=timezone.now() - timedelta(days=7)
    )
    page.locator("#pin-handler .arrow, #pin-handler").first.wait_for()
    page.wait_for_function("() => document.getElementById('pin-where').textContent !== ''")
    page.select_option("select[name=category]", "roads-potholes")
    return pavement, hole, fixed


def test_typing_the_problem_ranks_the_same_one_first_and_one_tap_supports_it(live_city, page):
    pavement, hole, fixed = offer_duplicates(page, live_city)

    first_reference_is(page, pavement.reference)  # before any text: nearest first
    closed = page.locator("#duplicate-list li").filter(has_text=fixed.reference)
    assert closed.get_by_role("button").count() == 0
    assert "Closed recently" in closed.inner_text() or "récemment" in closed.inner_text()

    page.fill("input[name=title]", "Gros trou dans la chaussée")
    page.fill("textarea[name=description]", "Devant l'école, les voitures l'évitent.")
    first_reference_is(page, hole.reference)

    reports_before = Complaint.objects.count()
    entry = page.locator("#duplicate-list li").first
    entry.get_by_role("button", name="Soutenir").click()
    entry.get_by_role("button", name="Soutenu").wait_for()
    assert Support.objects.filter(complaint=hole).count() == 1
    assert not Support.objects.filter(complaint=pavement).exists()
    assert Complaint.objects.count() == reports_before


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_duplicates_fit_a_320_pixel_screen(live_city, browser, language):
    context = browser.new_context(
        locale="ar-MA" if language == "ar" else "fr-FR", viewport={"width": 412, "height": 915}
    )
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    _pavement, hole, _fixed = offer_duplicates(page, live_city)
    page.set_viewport_size({"width": 320, "height": 800})  # the pin is dropped at phone size
    page.fill("input[name=title]", "Gros trou dans la chaussée devant l'école")
    first_reference_is(page, hole.reference)

    box = page.locator("#duplicates")
    box.scroll_into_view_if_needed()
    box.screenshot(path=f"/tmp/duplicates-{language}.png")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.locator("#duplicate-list li").count() == 3
    context.close()
