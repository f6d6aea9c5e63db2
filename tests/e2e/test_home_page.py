"""The home page in a real browser: the 16 arrondissements drawn and named, FR and AR."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_home_map_draws_the_16_arrondissements_with_their_names(live_city, page):
    page.goto(live_city.url + "/")

    frame = page.frame_locator('[data-testid="arrondissements-map"]')
    boundaries = frame.locator(".leaflet-overlay-pane path")
    boundaries.first.wait_for()
    assert boundaries.count() == 16
    labels = frame.locator(".district-label")
    assert labels.count() == 16
    assert labels.filter(has_text="Sidi Bernoussi").count() == 1
    assert labels.filter(has_text="مقاطعة سيدي البرنوصي").count() == 1
    assert "OpenStreetMap" in frame.locator(".leaflet-control-attribution").inner_text()


def test_switching_to_arabic_mirrors_the_page(live_city, page):
    page.goto(live_city.url + "/")

    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("tr[data-slug]").count() == 16
