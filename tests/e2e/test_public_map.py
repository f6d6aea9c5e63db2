"""The public map of open reports in a real browser: server-side clusters, click to zoom in,
single pins at street zoom, and filters."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues.services import create_complaint

pytestmark = pytest.mark.e2e


def file(slug, code, point_in, north_m=0):
    point = point_in(slug)
    point.y += north_m / 111_320
    return create_complaint(
        category=Category.objects.get(code=code),
        location=point,
        title=f"Problème à {slug}",
        description="Exemple de test.",
    )


def test_public_map_clusters_every_open_report_and_filters(live_city, page, point_in):
    for slug, code in [
        ("anfa", "street-lighting"),
        ("sbata", "street-lighting"),
        ("maarif", "roads-potholes"),
    ]:
        file(slug, code, point_in)
    page.goto(live_city.url + "/map/")

    page.wait_for_function("() => document.getElementById('map-count').textContent === '3'")
    assert page.locator("#public-map").get_attribute("data-mode") == "clusters"
    assert page.locator("#public-map .marker-cluster").count() >= 1
    page.select_option("select[name=category]", "street-lighting")
    page.wait_for_function("() => document.getElementById('map-count').textContent === '2'")
    page.select_option("select[name=arrondissement]", "sbata")
    page.wait_for_function("() => document.getElementById('map-count').textContent === '1'")


def test_clicking_clusters_zooms_in_down_to_single_pins(live_city, page, point_in):
    for step in range(3):
        file("hay-hassani", "roads-potholes", point_in, north_m=step * 15)
    page.goto(live_city.url + "/map/")
    page.wait_for_function("() => document.getElementById('map-count').textContent === '3'")

    for _ in range(6):  # each click zooms two levels in, until street zoom shows pins
        if page.locator("#public-map").get_attribute("data-mode") == "pins":
            break
        zoom = page.locator("#public-map").get_attribute("data-zoom")
        page.wait_for_function("() => !document.querySelector('#public-map .leaflet-zoom-anim')")
        page.locator("#public-map .marker-cluster").first.click()
        page.wait_for_function(
            f"() => document.getElementById('public-map').dataset.zoom !== '{zoom}'"
        )

    assert page.locator("#public-map").get_attribute("data-mode") == "pins"
    page.wait_for_function("() => document.getElementById('map-count').textContent === '3'")
    # The same pins as a list of links, for screen readers and keyboards.
    page.click("#map-list summary")
    listed = page.locator("#map-list-items a")
    assert listed.count() == 3
    assert all(text.startswith("CM-") for text in listed.all_inner_texts())
    assert page.locator("#map-list-zoom").is_hidden()
