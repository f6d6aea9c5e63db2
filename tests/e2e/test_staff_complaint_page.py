"""A manager at 1440 px, in French and Arabic, on a report's staff page (#24): the map and where
the report is, a ready-made reply filling the message box, a re-route ending on the queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from districts.models import Authority, Category
from issues.services import create_complaint
from staff.models import ResponseTemplate
from tests.e2e.conftest import watch_csp
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-desk")
PASSWORD = "pw-123456x"  # tests.factories.UserFactory's


@pytest.fixture
def desk_page(browser):
    def _open(locale: str):
        context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        page = context.new_page()
        watch_csp(page)
        opened.append((context, page))
        return page

    opened = []
    yield _open
    for context, page in opened:
        context.close()
        assert page.csp_violations == [], "the page broke its Content-Security-Policy"


@pytest.mark.parametrize(("locale", "language"), [("fr-FR", "fr"), ("ar-MA", "ar")])
def test_manager_sees_where_replies_from_a_template_and_reroutes(
    live_city, desk_page, point_in, locale, language
):
    anfa = Authority.objects.get(slug="anfa")
    maarif = Authority.objects.get(slug="maarif")
    StaffMembershipFactory(user__username="chef.anfa@example.org", authority=anfa, role="manager")
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule devant l'école",
        description="Profond, dangereux pour les vélos.",
    )
    ResponseTemplate.objects.create(
        title="Pris en charge (test)",
        text_fr="Votre signalement {reference} est pris en charge par {authority}.",
        text_ar="بلاغكم {reference} في عهدة {authority}.",
    )
    page = desk_page(locale)
    page.goto(live_city.url + "/accounts/login/")
    page.fill("input[name=username]", "chef.anfa@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_city.url + f"/staff/complaints/{complaint.reference}/")

    # where: the map with its marker and the authority's area, and the facts in words
    page.locator("#desk-map .leaflet-marker-icon").wait_for()
    assert page.locator("#desk-map path.leaflet-interactive, #desk-map svg path").count() >= 1
    point = complaint.location
    assert page.get_by_test_id("coordinates").inner_text() == f"{point.y:.6f}, {point.x:.6f}"
    local_anfa = anfa.name_ar if language == "ar" else anfa.name_fr
    assert page.get_by_test_id("arrondissement").inner_text() == local_anfa
    assert page.locator("[data-testid=where] .desk-map").bounding_box()["width"] > 400
    moderation = page.get_by_test_id("moderation")
    assert moderation.get_attribute("open") is None
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"complaint-{language}.png"), full_page=True)

    # a ready-made reply fills the one message box, in the page's language, as a public reply
    template = ResponseTemplate.objects.get(title="Pris en charge (test)")
    page.get_by_test_id("reply-template").select_option(str(template.pk))
    expected = (
        f"بلاغكم {complaint.reference} في عهدة {anfa.name_ar}."
        if language == "ar"
        else f"Votre signalement {complaint.reference} est pris en charge par Anfa."
    )
    assert page.locator("textarea[name=message]").input_value() == expected
    assert page.locator("input[name=audience][value=public]").is_checked()
    page.screenshot(path=str(SHOTS / f"complaint-reply-{language}.png"))

    # re-routing ends on the queue, saying where the report went
    form = page.get_by_test_id("reroute-form")
    assert form.locator("select[name=authority]").input_value() == ""
    form.locator("select[name=authority]").select_option(maarif.slug)
    form.locator("textarea[name=reason]").fill("Côté Maârif de la rue")
    form.locator("button[type=submit]").click()
    page.wait_for_url(live_city.url + "/staff/")
    name = maarif.name_ar if language == "ar" else maarif.name_fr
    assert name in page.locator(".messages").inner_text()
    page.screenshot(path=str(SHOTS / f"queue-after-reroute-{language}.png"))
