"""The public map of open reports in a real browser: clustered markers and filters."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues.services import create_complaint

pytestmark = pytest.mark.e2e


def test_public_map_shows_open_reports_and_filters_by_category(live_city, page, point_in):
    for slug, code in [("anfa", "noise"), ("sbata", "noise"), ("maarif", "roads-potholes")]:
        create_complaint(
            category=Category.objects.get(code=code),
            location=point_in(slug),
            title=f"Problème à {slug}",
            description="Exemple de test.",
        )
    page.goto(live_city.url + "/map/")

    count = page.locator("#map-count")
    page.wait_for_function("document.getElementById('map-count').textContent === '3'")
    assert page.locator("#public-map .leaflet-marker-icon").count() >= 1
    page.select_option("select[name=category]", "noise")
    page.wait_for_function("document.getElementById('map-count').textContent === '2'")
    page.select_option("select[name=arrondissement]", "sbata")
    page.wait_for_function("document.getElementById('map-count').textContent === '1'")
    assert count.inner_text() == "1"
