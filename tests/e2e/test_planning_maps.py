"""The heat map and the planners' page in a real browser: layers drawn, filters refetch."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues.services import create_complaint

pytestmark = pytest.mark.e2e


@pytest.fixture
def reports(live_city, point_in):
    for slug, code, count in [("anfa", "roads-potholes", 5), ("maarif", "noise", 3)]:
        for _ in range(count):
            create_complaint(
                category=Category.objects.get(code=code),
                location=point_in(slug),
                title=f"Problème à {slug}",
                description="Exemple de test.",
            )


def test_heat_map_redraws_when_the_category_changes(live_city, reports, page):
    page.goto(live_city.url + "/map/heat/")

    page.wait_for_function("document.getElementById('heat-total').textContent === '8'")
    assert page.locator("#heat-map canvas.leaflet-heatmap-layer").count() == 1
    assert page.locator("#heat-map .leaflet-overlay-pane path").count() >= 16
    page.select_option("select[name=category]", "roads-potholes")
    page.wait_for_function("document.getElementById('heat-total').textContent === '5'")
    assert "category=roads-potholes" in page.locator("#heat-legend").get_attribute("data-loaded")
    assert page.locator("#heat-legend").get_attribute("data-cells") == "1"
    assert "category=roads-potholes" in page.url  # the view can be shared as a link

    # Leaflet ignores a zoom click while an animation (the initial fit to the city) runs: wait
    # until the map has settled and its cells are those of its zoom, as a person would.
    settled = (
        "() => !document.querySelector('#heat-map .leaflet-zoom-anim')"
        " && document.getElementById('heat-map').dataset.zoom"
        " === document.getElementById('heat-legend').dataset.zoom"
    )
    page.wait_for_function(settled)
    zoom = int(page.locator("#heat-legend").get_attribute("data-zoom"))
    page.locator("#heat-map .leaflet-control-zoom-in").click()
    page.wait_for_function(
        "zoom => document.getElementById('heat-legend').dataset.zoom === String(zoom + 1)",
        arg=zoom,
    )
    assert page.locator("#heat-total").inner_text() == "5"  # same reports, finer cells


def test_planning_page_draws_the_choropleth_hotspots_and_chart(live_city, reports, page):
    page.goto(live_city.url + "/planning/?metres=50&min_count=3")

    page.wait_for_function("document.getElementById('choropleth-legend').dataset.measure")
    assert page.locator("#planning-map").get_attribute("data-hotspots") == "2"
    assert page.locator("#hotspot-table tbody tr").count() == 2
    assert page.locator("#trends-chart").bounding_box()["height"] > 100
    page.check("input[name=measure][value=complaints]")
    page.wait_for_function(
        "document.getElementById('choropleth-legend').dataset.measure === 'complaints'"
    )
