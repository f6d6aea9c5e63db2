"""The home page in a real browser: a call to report, and the 16 arrondissements drawn and
named in the page's language, with no two labels on top of each other."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

VISIBLE_LABEL_BOXES = """() => Array.from(document.querySelectorAll('.district-label span'))
  .filter((label) => getComputedStyle(label.parentElement).visibility !== 'hidden')
  .map((label) => { const b = label.getBoundingClientRect();
                    return [b.left, b.top, b.right, b.bottom, label.textContent]; })"""


def overlapping(boxes: list[list]) -> list[tuple[str, str]]:
    pairs = []
    for index, (left, top, right, bottom, name) in enumerate(boxes):
        for other_left, other_top, other_right, other_bottom, other in boxes[index + 1 :]:
            if (
                left < other_right
                and other_left < right
                and top < other_bottom
                and other_top < bottom
            ):
                pairs.append((name, other))
    return pairs


@pytest.mark.parametrize(
    ("locale", "shown", "not_shown"),
    [
        ("fr-FR", "Sidi Bernoussi", "مقاطعة سيدي البرنوصي"),
        ("ar-MA", "مقاطعة سيدي البرنوصي", "Sidi Bernoussi"),
    ],
)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_map_names_the_arrondissements_in_one_language_without_overlap(
    live_city, browser, locale, shown, not_shown, width
):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 844})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(live_city.url + "/")

    frame = page.frame_locator('[data-testid="arrondissements-map"]')
    boundaries = frame.locator(".leaflet-overlay-pane path")
    boundaries.first.wait_for()
    assert boundaries.count() == 16
    labels = frame.locator(".district-label")
    assert labels.count() == 16
    assert labels.filter(has_text=shown).count() == 1
    assert labels.filter(has_text=not_shown).count() == 0
    document = page.frame_locator('[data-testid="arrondissements-map"]').locator("body")
    document.evaluate("() => new Promise((done) => setTimeout(done, 50))")
    boxes = document.evaluate(VISIBLE_LABEL_BOXES)
    assert len(boxes) >= 4  # most of the city stays named at its first zoom
    assert overlapping(boxes) == []
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()
    context.close()


def test_the_home_page_invites_a_report_from_where_the_phone_is(live_city, browser):
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 33.5883, "longitude": -7.6114},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_city.url + "/")

    call = page.get_by_test_id("report-call")
    assert call.is_visible()
    assert call.bounding_box()["y"] + call.bounding_box()["height"] <= 844  # in the first screen
    page.get_by_role("button", name="Utiliser ma position").click()
    page.wait_for_url("**/report/?lat=*")

    assert "lat=33.5883000" in page.url and "lon=-7.6114000" in page.url
    context.close()


def test_the_home_page_place_box_lists_places_on_the_report_page(live_city, page):
    page.goto(live_city.url + "/")

    page.get_by_label("Où est-ce ? Un lieu, une rue ou un arrêt").fill("Casa-Port")
    page.get_by_role("search").get_by_role("button", name="Chercher").click()
    page.wait_for_url("**/report/?place=*")

    assert page.locator("#place-results li").count() >= 1


def test_switching_to_arabic_mirrors_the_page(live_city, page):
    page.goto(live_city.url + "/")

    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("tr[data-slug]").count() == 16
    assert "Sidi Bernoussi" not in page.locator("table").inner_text()
