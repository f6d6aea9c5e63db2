"""The public map and the heat map on a 390×844 phone, in French and in Arabic (issue #23,
finding 6): pins reached in two taps, coloured and marked by status with a legend in words,
recently fixed reports shown and filtered, a popup with photo, age, status and handler, a list
nearest the centre first, the heat map's map on the first screen, and touch-sized controls."""

from __future__ import annotations

import io
import math
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from issues.models import Complaint
from issues.services import transition
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

S = Complaint.Status
LOCALES = ["fr-FR", "ar-MA"]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def on_phone(browser, live_city):
    contexts = []

    def _open(locale: str, path: str):
        context = browser.new_context(locale=locale, viewport=PHONE)
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.goto(live_city.url + path)
        return page

    yield _open
    for context in contexts:
        context.close()


def with_photo(complaint):
    """A public photo (its blurred copy and thumbnail) stored for `complaint`."""
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 120, 40)).save(buffer, "JPEG")
    names = {
        field: default_storage.save(f"attachments/{field}.jpg", ContentFile(buffer.getvalue()))
        for field in ("file", "public_file", "thumbnail")
    }
    complaint.attachments.create(kind="image", **names)
    return complaint


def moved_on(complaint, *steps, resolved_days_ago=None):
    staff = UserFactory()
    for status in steps:
        transition(complaint=complaint, to_status=status, actor=staff, public_message="Réparé.")
    if resolved_days_ago is not None:
        Complaint.objects.filter(pk=complaint.pk).update(
            resolved_at=timezone.now() - timedelta(days=resolved_days_ago)
        )
    return complaint


@pytest.fixture
def street(file_at):
    """Five reports along 160 m of a street in Anfa, one per status group, and one fixed 40
    days ago."""
    return {
        "new": file_at("anfa"),
        "acknowledged": moved_on(file_at("anfa", east_m=40), S.ACKNOWLEDGED),
        "in-progress": moved_on(file_at("anfa", east_m=80), S.ACKNOWLEDGED, S.IN_PROGRESS),
        "fixed": with_photo(
            moved_on(file_at("anfa", east_m=120), S.ACKNOWLEDGED, S.RESOLVED, resolved_days_ago=3)
        ),
        "long-fixed": moved_on(
            file_at("anfa", east_m=160), S.ACKNOWLEDGED, S.RESOLVED, resolved_days_ago=40
        ),
    }


# The map has drawn the newest answer and is not moving.
SETTLED = """() => { const map = document.getElementById('public-map');
  return map.dataset.mode && !map.dataset.loading && !map.querySelector('.leaflet-zoom-anim'); }"""


def tap_down_to_pins(page, most: int) -> int:
    """Opens the first cluster (a tap for a finger, Enter for the keyboard: the same button)
    until pins show; how many it took. The keyboard is used here so that a cluster drawn at the
    map's clipped edge, which a finger would first pan into view, counts as one step."""
    page.wait_for_function(SETTLED)
    taps = 0
    while page.locator("#public-map .leaflet-marker-icon.map-pin").count() == 0:
        assert taps < most, f"no pin after {taps} taps"
        zoom = page.locator("#public-map").get_attribute("data-zoom")
        cluster = page.locator("#public-map .marker-cluster").first
        cluster.focus()
        page.keyboard.press("Enter")
        taps += 1
        page.wait_for_function(
            "zoom => document.getElementById('public-map').dataset.zoom !== zoom", arg=zoom
        )
        page.wait_for_function(SETTLED)
    return taps


def pin_groups(page) -> list[str]:
    classes = page.eval_on_selector_all(
        "#public-map .leaflet-marker-icon.map-pin", "pins => pins.map(pin => pin.className)"
    )
    return sorted(
        name.removeprefix("map-pin--")
        for found in classes
        for name in found.split()
        if name.startswith("map-pin--")
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_pins_by_status_fixed_ones_filtered_in_two_taps(on_phone, street, locale):
    page = on_phone(locale, "/map/")

    assert tap_down_to_pins(page, most=2) <= 2
    page.wait_for_function(
        "() => document.querySelectorAll('#public-map .leaflet-marker-icon.map-pin').length === 4"
    )

    assert pin_groups(page) == ["acknowledged", "fixed", "in-progress", "new"]
    colours = page.eval_on_selector_all(
        "#public-map .leaflet-marker-icon.map-pin",
        "pins => pins.map(pin => getComputedStyle(pin).backgroundColor)",
    )
    assert len(set(colours)) == 4
    legend = page.locator("#map-legend li")
    assert legend.count() == 4
    assert all(text.strip() for text in legend.all_inner_texts())  # words, not colour only
    assert page.locator("#map-legend .map-pin--fixed").count() == 1
    listed = page.locator("#map-list-items a").all_inner_texts()
    assert not any(street["long-fixed"].reference in text for text in listed)

    page.locator("input[name=fixed]").click()
    page.wait_for_function(
        "() => !document.getElementById('map-filters').dataset.loaded.includes('fixed')"
    )
    assert "fixed" not in pin_groups(page)
    assert page.locator("#map-fixed").is_hidden()


@pytest.mark.parametrize("locale", LOCALES)
def test_popup_shows_photo_age_status_and_handler(on_phone, street, locale):
    page = on_phone(locale, "/map/")
    tap_down_to_pins(page, most=2)
    fixed = street["fixed"]
    language = locale[:2]

    page.locator("#public-map .leaflet-marker-icon.map-pin--fixed").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()

    assert popup.locator("img.map-popup__photo").get_attribute("src").endswith(".jpg")
    assert popup.locator("img.map-popup__photo").evaluate("img => img.naturalWidth") == 48
    three_days_ago = page.evaluate(
        "lang => new Intl.RelativeTimeFormat(lang, {numeric: 'auto'}).format(-3, 'day')",
        language,
    )
    assert three_days_ago in popup.locator(".map-popup__age").inner_text()
    status = {"fr": "Résolue", "ar": "تمت معالجتها"}[language]
    assert status in popup.locator(".map-status").inner_text()
    handler = fixed.authority.name_ar if language == "ar" else fixed.authority.name_fr
    assert handler in popup.locator(".map-popup__handler").inner_text()
    link = popup.locator("a.map-popup__link")
    assert link.get_attribute("href") == f"/track/{fixed.reference}/"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_list_is_sorted_by_distance_from_the_centre(on_phone, street, locale):
    page = on_phone(locale, "/map/")
    tap_down_to_pins(page, most=2)
    page.wait_for_function("() => document.querySelectorAll('#map-list-items li').length === 4")

    listed = page.eval_on_selector_all(
        "#map-list-items li", "items => items.map(item => item.dataset.reference)"
    )
    lat, lon = map(float, page.locator("#public-map").get_attribute("data-centre").split(","))
    centre = Point(lon, lat, srid=4326)
    located = {complaint.reference: complaint.location for complaint in street.values()}

    # Measured again here, on the sphere, from the centre the map reports.
    distances = [metres_between(centre, located[reference]) for reference in listed]
    assert distances == sorted(distances)
    assert sorted(listed) == sorted(
        street[key].reference for key in ("new", "acknowledged", "in-progress", "fixed")
    )


def metres_between(a, b) -> float:
    lat1, lat2 = math.radians(a.y), math.radians(b.y)
    dlat, dlon = lat2 - lat1, math.radians(b.x - a.x)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_heat_maps_map_is_on_the_first_screen(on_phone, live_city, locale):
    page = on_phone(locale, "/map/heat/")
    page.wait_for_function("() => document.getElementById('heat-total').textContent !== '…'")

    box = page.locator("#heat-map").bounding_box()

    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert page.locator("#heat-filters").is_hidden()
    assert page.locator("#week-player").is_hidden()
    page.locator("#heat-controls summary").click()
    assert page.locator("select[name=category]").is_visible()


# Every visible control of the map pages, and the primary ones (WCAG 2.5.8: 24 px at least;
# 44 px for what a thumb reaches for first). Links inside a sentence and the map's attribution
# line are text, exempt by 2.5.8's "inline" exception.
CONTROL_SIZES = """() => {
  const controls = 'main a, main button, main select, main input, main summary,'
    + ' main .leaflet-marker-icon';
  const primary = '.map-filters select, .map-filters__check, .leaflet-bar a, .marker-cluster,'
    + ' #heat-controls > summary, .week-player button';
  const sizes = [];
  for (const element of document.querySelectorAll(controls)) {
    if (element.closest('.leaflet-control-attribution, p.help, p.lead')) continue;
    if (element.type === 'hidden') continue;
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(element).visibility === 'hidden') continue;
    const target = element.matches('input[type=checkbox]') ? element.closest('label') : element;
    const measured = target.getBoundingClientRect();
    sizes.push({
      what: `${element.tagName.toLowerCase()}.${element.className}`
        + ` ${element.textContent.trim().slice(0, 20)}`,
      width: Math.round(measured.width), height: Math.round(measured.height),
      primary: element.matches(primary),
    });
  }
  return sizes;
}"""


def too_small(page) -> list[dict]:
    return [
        size
        for size in page.evaluate(CONTROL_SIZES)
        if min(size["width"], size["height"]) < (44 if size["primary"] else 24)
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_control_is_sized_for_a_thumb(on_phone, street, locale):
    page = on_phone(locale, "/map/")
    page.wait_for_function("() => document.getElementById('public-map').dataset.mode")
    assert too_small(page) == []
    tap_down_to_pins(page, most=2)
    page.locator("#public-map .leaflet-marker-icon.map-pin--fixed").click()
    page.locator(".leaflet-popup-content").wait_for()
    assert too_small(page) == []

    heat = on_phone(locale, "/map/heat/")
    heat.locator("#heat-controls summary").click()
    heat.wait_for_selector("#week-player:not([hidden])")
    assert too_small(heat) == []


def test_the_size_check_finds_a_small_control(on_phone, live_city):
    """Guards the guard: Leaflet's own 30 px zoom buttons are too small for a primary control."""
    page = on_phone("fr-FR", "/map/heat/")
    page.evaluate(
        "() => document.querySelectorAll('.leaflet-bar a').forEach(a => {"
        " a.style.width = '30px'; a.style.height = '30px'; })"
    )

    assert {size["what"].split()[0] for size in too_small(page)} == {
        "a.leaflet-control-zoom-in",
        "a.leaflet-control-zoom-out",
    }
