"""The heat map and the planners' page in a real browser: layers drawn, filters refetch, the
week player steps through the weeks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import create_complaint
from planning.selection import last_weeks
from tests.e2e.conftest import watch_csp
from tests.e2e.test_accessibility import serious_violations

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
    page.click("#heat-controls summary")  # folded away on a phone

    page.wait_for_function("() => document.getElementById('heat-total').textContent === '8'")
    assert page.locator("#heat-map canvas.leaflet-heatmap-layer").count() == 1
    assert page.locator("#heat-map .leaflet-overlay-pane path").count() >= 16
    page.select_option("select[name=category]", "roads-potholes")
    page.wait_for_function("() => document.getElementById('heat-total').textContent === '5'")
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

    page.wait_for_function("() => document.getElementById('choropleth-legend').dataset.measure")
    assert page.locator("#planning-map").get_attribute("data-hotspots") == "2"
    assert page.locator("#hotspot-table tbody tr").count() == 2
    assert page.locator("#trends-chart").bounding_box()["height"] > 100
    page.check("input[name=measure][value=complaints]")
    page.wait_for_function(
        "() => document.getElementById('choropleth-legend').dataset.measure === 'complaints'"
    )


def test_the_week_player_shows_one_week_received_at_a_time(live_city, point_in, page):
    """Three reports this week, two a fortnight ago, one more than a year ago (outside the 52
    weeks): by hand with the keyboard, then played to this week."""
    now = timezone.now()
    for back, count in [(timedelta(0), 3), (timedelta(weeks=2), 2), (timedelta(weeks=60), 1)]:
        for _ in range(count):
            complaint = create_complaint(
                category=Category.objects.get(code="roads-potholes"),
                location=point_in("anfa"),
                title="Nid-de-poule",
                description="Exemple de test.",
            )
            Complaint.objects.filter(pk=complaint.pk).update(created_at=now - back)
    weeks = last_weeks()
    total = "document.getElementById('heat-total').textContent"

    page.goto(live_city.url + "/map/heat/")
    page.click("#heat-controls summary")  # folded away on a phone
    page.wait_for_function(f"() => {total} === '6'")
    page.get_by_role("button", name="Une semaine à la fois").click()
    page.wait_for_function(f"() => {total} === '3'")
    assert page.locator("#heat-legend").get_attribute("data-week") == weeks[-1].isoformat()
    assert page.locator("select[name=days]").is_disabled()

    page.locator("#week-slider").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {total} === '0'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => {total} === '2'")
    assert page.locator("#heat-legend").get_attribute("data-week") == weeks[-3].isoformat()
    assert "Reçus la semaine du" in page.locator("#week-label").inner_text()
    # The same colour scale for every week: its top is this week's 3, not the fortnight's 2.
    assert page.locator("#heat-max").inner_text() == "3"
    assert page.locator("#heat-legend").get_attribute("data-scale") == "weeks"
    page.locator("#week-scale").check()
    page.wait_for_function("() => document.getElementById('heat-legend').dataset.scale === 'week'")
    assert page.locator("#heat-max").inner_text() == "2"
    page.locator("#week-scale").uncheck()
    page.wait_for_function("() => document.getElementById('heat-legend').dataset.scale === 'weeks'")
    assert f"week={weeks[-3].isoformat()}" in page.url

    play = page.locator("#week-play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function(
        "() => document.getElementById('week-play').getAttribute('aria-pressed') === 'false'"
    )
    assert page.locator("#heat-legend").get_attribute("data-week") == weeks[-1].isoformat()
    assert page.locator("#heat-total").inner_text() == "3"


SHOTS = "/tmp/shots-planners"


@pytest.fixture(params=["fr-FR", "ar"])
def desk_page(browser, request):
    """A page at a desk (1440 × 900) in French or Arabic; the policy checked as on `page`."""
    context = browser.new_context(locale=request.param, viewport={"width": 1440, "height": 900})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.language = request.param[:2]
    watch_csp(page)
    yield page
    context.close()
    assert page.csp_violations == [], "the page broke its Content-Security-Policy"


def test_a_hotspot_row_zooms_the_map_to_it_and_the_areas_are_labelled(
    live_city, reports, desk_page
):
    page = desk_page
    page.goto(live_city.url + "/planning/?metres=50&min_count=3")
    page.wait_for_function("() => document.getElementById('planning-map').dataset.labelsShown")

    anfa = Authority.objects.get(slug="anfa")
    labels = page.locator("#planning-map .choropleth-label")
    assert labels.count() == 16
    expected = anfa.name_ar if page.language == "ar" else anfa.name_fr
    assert expected in labels.all_text_contents()
    assert int(page.locator("#planning-map").get_attribute("data-labels-shown")) >= 8
    city_zoom = page.evaluate("() => document.getElementById('planning-map').dataset.zoom")
    page.screenshot(path=f"{SHOTS}/planning-{page.language}.png", full_page=True)

    row = page.locator("#hotspot-table tbody tr").first
    assert expected in row.inner_text()  # the hotspot of Anfa's five reports comes first
    row.locator("button.hotspot-zoom").click()
    page.wait_for_function("() => document.getElementById('planning-map').dataset.focused === '0'")
    zoom = float(page.evaluate("() => document.getElementById('planning-map').dataset.zoom"))
    assert zoom >= 15 > float(city_zoom)
    centre = page.evaluate("() => document.getElementById('planning-map').dataset.centre")
    hotspot = page.evaluate(
        "() => JSON.parse(document.getElementById('page-config').textContent).hotspots[0]"
    )
    lat, lon = map(float, centre.split(","))
    assert abs(lat - hotspot["lat"]) < 0.001 and abs(lon - hotspot["lon"]) < 0.001
    page.locator("#planning-map").screenshot(path=f"{SHOTS}/planning-zoomed-{page.language}.png")


def test_the_heat_maps_legend_says_which_scale_week_by_week(live_city, reports, desk_page):
    page = desk_page
    monday = last_weeks()[-1].isoformat()
    page.goto(live_city.url + f"/map/heat/?week={monday}")
    page.wait_for_function("() => document.getElementById('heat-legend').dataset.scale")

    assert page.locator("#heat-legend").get_attribute("data-scale") == "weeks"
    words = {"fr": "même échelle", "ar": "نفس المقياس"}[page.language]
    assert words in page.locator("#heat-legend").inner_text()
    page.screenshot(path=f"{SHOTS}/heat-week-{page.language}.png")


def test_the_report_page_opens_from_the_planning_page_and_draws_its_maps(
    live_city, reports, desk_page
):
    page = desk_page
    page.goto(live_city.url + "/planning/?metres=50&min_count=3")
    page.locator("#report-link a").first.click()
    page.wait_for_url("**/planning/report/**")

    assert "metres=50" in page.url and "min_count=3" in page.url
    assert page.locator("html").get_attribute("dir") == ("rtl" if page.language == "ar" else "ltr")
    # The maps are images drawn by the server: no tiles, no script.
    assert page.locator("#choropleth-svg path").count() == 16
    assert page.locator("#hotspot-svg circle").count() == 2
    labels = page.locator("#choropleth-figure .map-label")
    assert labels.count() == 16
    anfa = Authority.objects.get(slug="anfa")
    expected = "أنفا" if page.language == "ar" else anfa.name_fr
    assert expected in labels.all_text_contents()
    # Each label sits over its area: Anfa's in Anfa's shape.
    inside = page.evaluate(
        """name => {
            const label = [...document.querySelectorAll('#choropleth-figure .map-label')]
                .find(l => l.textContent === name).getBoundingClientRect();
            const area = document.querySelector('#choropleth-svg path[data-slug=anfa]')
                .getBoundingClientRect();
            const x = label.left + label.width / 2, y = label.top + label.height / 2;
            return x > area.left && x < area.right && y > area.top && y < area.bottom;
        }""",
        expected,
    )
    assert inside
    assert page.locator(".report--tables tbody tr").count() == 2  # the hotspots
    assert page.locator("#report-arrondissement-table tbody tr").count() == 16
    page.screenshot(path=f"{SHOTS}/report-{page.language}.png", full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=f"{SHOTS}/report-print-{page.language}.png", full_page=True)
    assert not page.locator(".report__actions").is_visible()


def test_the_pdf_links_download_the_report_as_a_pdf(live_city, reports, desk_page):
    page = desk_page
    page.goto(live_city.url + "/planning/?metres=50&min_count=3&arrondissement=anfa")
    with page.expect_download() as from_planning:
        page.locator("#report-link #pdf-link").click()
    pdf = Path(from_planning.value.path()).read_bytes()

    assert pdf.startswith(b"%PDF-") and from_planning.value.suggested_filename.endswith(".pdf")
    page.goto(live_city.url + "/planning/report/?metres=50&min_count=3&arrondissement=anfa")
    with page.expect_download() as from_report:
        page.locator("#pdf-link").click()
    assert Path(from_report.value.path()).read_bytes() == pdf  # the same report, cached


def test_the_dashboards_period_trend_and_area_flow_into_its_exports_and_report(
    live_city, reports, desk_page
):
    page = desk_page
    page.goto(live_city.url + "/planning/?metres=50&min_count=3")
    page.select_option("select[name=days]", "28")
    page.select_option("select[name=trend]", "roads-potholes")
    page.locator("#planning-filters button[type=submit]").click()
    page.wait_for_url("**trend=roads-potholes**")

    potholes = Category.objects.get(code="roads-potholes")
    name = potholes.name_ar if page.language == "ar" else potholes.name_fr
    assert name in page.locator("#trends-title").inner_text()
    trends = page.locator("a[href*='/planning/export/trends.csv']").get_attribute("href")
    assert "days=28" in trends and "trend=roads-potholes" in trends
    exported = page.request.get(live_city.url + trends)
    assert (
        exported.ok
        and sum(int(line.split(",")[1]) for line in exported.text().splitlines()[1:]) == 5
    )  # the five potholes, not Maârif's noise
    page.screenshot(path=f"{SHOTS}/planning-trend-{page.language}.png", full_page=True)

    # The area: the map's view, chosen with the keyboard.
    page.locator("#planning-map .leaflet-control-zoom-in").click()
    page.locator("#use-map-area").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**area=**")
    page.wait_for_function("() => document.getElementById('planning-map').dataset.area")
    assert page.locator("#id_area").input_value().count(",") == 3
    for name in ("arrondissements", "hotspots", "reports", "categories"):
        href = page.locator(f"a[href*='/planning/export/{name}.csv']").first.get_attribute("href")
        assert "area=" in href and "days=28" in href and page.request.get(live_city.url + href).ok
    report = page.locator("#report-link a").first.get_attribute("href")
    assert "area=" in report and "trend=roads-potholes" in report
    pdf = page.locator("#report-link #pdf-link").get_attribute("href")
    assert page.request.get(live_city.url + pdf).body().startswith(b"%PDF-")
    page.goto(live_city.url + report)
    assert page.locator("#hotspot-svg #report-box").count() == 1
    page.screenshot(path=f"{SHOTS}/report-area-{page.language}.png", full_page=True)


def test_an_area_drawn_on_the_map_becomes_the_selections_box(live_city, reports, desk_page):
    page = desk_page
    page.goto(live_city.url + "/planning/?metres=50&min_count=3")
    page.wait_for_function("() => document.getElementById('planning-map').dataset.zoom")
    page.locator("#draw-area").click()
    page.locator("#planning-map").scroll_into_view_if_needed()
    frame = page.locator("#planning-map").bounding_box()
    start = (frame["x"] + frame["width"] * 0.3, frame["y"] + frame["height"] * 0.3)
    end = (frame["x"] + frame["width"] * 0.6, frame["y"] + frame["height"] * 0.7)

    assert page.locator("#draw-area").get_attribute("aria-pressed") == "true"
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    page.wait_for_url("**area=**")

    west, south, east, north = map(float, page.locator("#id_area").input_value().split(","))
    assert west < east and south < north
    page.wait_for_function("() => document.getElementById('planning-map').dataset.area")
    assert page.locator("#clear-area").is_visible()
    page.locator("#clear-area").click()
    page.wait_for_url(lambda url: "area=&" in url or url.endswith("area="))
    assert page.locator("#id_area").input_value() == ""


@pytest.mark.parametrize("locale", ["fr-FR", "ar"])
def test_the_planning_page_with_hotspots_and_the_report_pass_axe(
    live_city, reports, browser, locale
):
    context = browser.new_context(
        locale=locale, viewport={"width": 1440, "height": 900}, bypass_csp=True
    )
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    found = {}
    for path in ["/planning/?metres=50&min_count=3", "/planning/report/?metres=50&min_count=3"]:
        page.goto(live_city.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    context.close()

    assert found == {}
