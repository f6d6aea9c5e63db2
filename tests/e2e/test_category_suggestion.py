"""The category suggested as the citizen types (issue #27), in a real browser on a 320 px
phone: the best category is preselected above the threshold, never over the citizen's own
choice, and the citizen can always change it."""

from __future__ import annotations

import pytest

from districts.models import Authority
from tests.e2e.conftest import watch_csp
from tests.e2e.test_accessibility import sign_in
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e

CATEGORY = "select[name=category]"
HINT = "#category-suggestion"


@pytest.fixture
def phone(browser, request):
    """A 320 px wide phone in the language given by the test's `locale` parameter."""
    locale = getattr(request, "param", "fr-FR")
    context = browser.new_context(locale=locale, viewport={"width": 320, "height": 640})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    watch_csp(page)
    yield page
    context.close()
    assert page.csp_violations == []


def suggestion_shown(page) -> None:
    page.locator(f"{HINT} .suggestion").first.wait_for()


def test_typing_a_description_preselects_the_category_and_the_citizen_can_change_it(
    live_city, phone
):
    phone.goto(live_city.url + "/report/")
    assert phone.input_value(CATEGORY) == ""

    phone.fill("textarea[name=description]", "Le lampadaire devant chez moi est éteint")

    phone.wait_for_function(f"() => document.querySelector('{CATEGORY}').value !== ''")
    assert phone.input_value(CATEGORY) == "street-lighting"
    chosen = phone.locator("[data-testid=suggestion-chosen]")
    assert "Éclairage public" in chosen.inner_text()

    # The citizen disagrees: their choice stands, whatever they type next.
    phone.select_option(CATEGORY, "electricity")
    assert phone.locator("[data-testid=suggestion-chosen]").count() == 0
    answered = int(phone.get_attribute(HINT, "data-answered"))
    phone.fill("textarea[name=description]", "Le lampadaire est éteint, la rue est noire")
    phone.wait_for_function(
        "answered => Number(document.querySelector('#category-suggestion').dataset.answered)"
        " > answered",
        arg=answered,
    )
    assert phone.input_value(CATEGORY) == "electricity"
    assert phone.locator(f"{HINT} .suggestion").first.get_attribute("data-code") == (
        "street-lighting"
    )

    # A suggested category is one tap away.
    phone.locator(f"{HINT} .suggestion[data-code=street-lighting]").click()
    assert phone.input_value(CATEGORY) == "street-lighting"


def test_below_the_threshold_nothing_is_preselected_but_the_hint_is_shown(
    live_city, phone, settings
):
    settings.CATEGORY_SUGGESTION_THRESHOLD = 1.0  # no probability reaches it
    phone.goto(live_city.url + "/report/")

    phone.fill("textarea[name=description]", "Le lampadaire devant chez moi est éteint")
    suggestion_shown(phone)

    assert phone.input_value(CATEGORY) == ""
    assert phone.locator("[data-testid=suggestion-chosen]").count() == 0
    first = phone.locator(f"{HINT} .suggestion").first
    assert first.get_attribute("data-code") == "street-lighting"


@pytest.mark.parametrize("phone", ["ar-MA"], indirect=True)
def test_arabizi_and_arabic_preselect_on_the_arabic_page(live_city, phone, tmp_path):
    phone.goto(live_city.url + "/report/")
    assert phone.get_attribute("html", "dir") == "rtl"

    phone.fill("input[name=title]", "kayna wa7d l7ofra kbira f tri9")
    phone.wait_for_function(f"() => document.querySelector('{CATEGORY}').value !== ''")
    assert phone.input_value(CATEGORY) == "roads-potholes"
    assert "الطرق والحفر" in phone.locator("[data-testid=suggestion-chosen]").inner_text()
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_staff_intake_preselects_the_category_too(live_city, page):
    StaffMembershipFactory(
        user__username="agent.anfa@example.org", authority=Authority.objects.get(slug="anfa")
    )
    sign_in(page, live_city.url, "agent.anfa@example.org")
    page.goto(live_city.url + "/staff/intake/")

    page.fill("textarea[name=description]", "الكلاب الضالة كتهجم على الدراري قدام المدرسة")

    page.wait_for_function(f"() => document.querySelector('{CATEGORY}').value !== ''")
    assert page.input_value(CATEGORY) == "stray-animals"
