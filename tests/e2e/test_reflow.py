"""Every page fits a phone (WCAG 1.4.10 Reflow, which axe-core does not check): at 320 and
390 CSS pixels wide, in French and in Arabic (right to left), no page scrolls sideways and no
visible element lies outside the screen — but inside a map, or inside a table's own scrolling
box. Issue #23's first finding: the header's links pushed pages to ~564 px, and in Arabic off to
the left."""

from __future__ import annotations

import pytest

from tests.e2e.test_accessibility import (
    PUBLIC_PAGES,
    complaint_with_history,
    sign_in,
    staff_pages,
)

pytestmark = pytest.mark.e2e

__all__ = ["complaint_with_history"]  # the fixture, imported for this module's tests

OUTSIDE = """() => {
  const width = window.innerWidth;
  const outside = [];
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest('.leaflet-container, .map-frame, table, iframe')) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // screen-reader-only text is clipped to 1 px
    if (box.right > width + 1 || box.left < -1) {
      const where = `${Math.round(box.left)}..${Math.round(box.right)}`;
      outside.push(`${element.tagName.toLowerCase()}.${element.className} ${where}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, outside: outside.slice(0, 5)};
}"""


def overflowing(page, base_url: str, paths: list[str]) -> dict[str, dict]:
    found = {}
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        measured = page.evaluate(OUTSIDE)
        if measured["scroll"] > measured["width"] or measured["outside"]:
            found[path] = measured
    return found


@pytest.fixture
def phone(browser):
    contexts = []

    def _phone(locale: str, width: int):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": 740})
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield _phone
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_public_pages_fit_a_phone(live_city, phone, complaint_with_history, locale, width):
    reference = complaint_with_history.reference
    paths = [
        *PUBLIC_PAGES,
        f"/track/{reference}/",
        f"/report/{reference}/sent/",
        "/planning/report/",
        "/planning/?days=year&trend=roads-potholes&area=-7.7,33.5,-7.5,33.6",
    ]

    assert overflowing(phone(locale, width), live_city.url, paths) == {}


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_staff_pages_fit_a_phone(live_city, phone, complaint_with_history, locale, width):
    page = phone(locale, width)
    sign_in(page, live_city.url, "agent.anfa@example.org")
    paths = staff_pages(complaint_with_history.reference)

    assert overflowing(page, live_city.url, paths) == {}


def test_the_check_finds_a_page_wider_than_the_phone(live_city, phone):
    """Guards the guard: an element wider than the screen is reported."""
    page = phone("fr-FR", 320)
    page.goto(live_city.url + "/track/")
    page.evaluate(  # through the CSSOM: the Content-Security-Policy refuses inline styles
        "() => { const wide = document.createElement('div'); wide.textContent = 'large';"
        " wide.style.width = '600px'; document.querySelector('main').append(wide); }"
    )

    measured = page.evaluate(OUTSIDE)

    assert measured["outside"] == ["div. 16..616"]


# Controls a finger must hit: every one at least 24×24 CSS px (WCAG 2.5.8), the primary ones
# (buttons of the site's style, the menu) 44×44. Links inside a sentence are exempt (2.5.8's
# "inline" exception), as are the map's own insides, checked by the map pages' tests.
SMALL_TARGETS = """() => {
  const small = [];
  const controls = 'button, a.button, input:not([type=hidden]), select, textarea, '
    + '.site-header__nav a';
  for (const element of document.querySelectorAll(controls)) {
    if (element.closest('.leaflet-container, .visually-hidden, [hidden]')) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const target = element.closest('label') || element;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const primary = element.matches('.button--primary, .site-header__menu, .site-header__nav a');
    const least = primary ? 44 : 24;
    if (box.width < least - 0.5 || box.height < least - 0.5) {
      small.push(`${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}`
                 + `.${element.className} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small.slice(0, 8);
}"""


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_controls_are_big_enough_for_a_finger(live_city, phone, complaint_with_history, locale):
    page = phone(locale, 390)
    reference = complaint_with_history.reference
    found = {}
    for path in [*PUBLIC_PAGES, f"/track/{reference}/", f"/report/{reference}/sent/"]:
        page.goto(live_city.url + path)
        page.wait_for_load_state("networkidle")
        menu = page.locator("#site-menu-button")
        if menu.is_visible():
            menu.click()  # the folded links are measured too
        small = page.evaluate(SMALL_TARGETS)
        if small:
            found[path] = small

    assert found == {}


def test_the_header_folds_into_a_menu_on_a_phone(live_city, phone):
    page = phone("ar-MA", 320)
    page.goto(live_city.url + "/track/")
    menu = page.locator("#site-menu-button")
    links = page.locator("#site-nav")

    assert menu.is_visible() and not links.is_visible()
    menu.click()
    assert links.is_visible() and menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not links.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "site-menu-button"


@pytest.mark.parametrize("width", [1024, 1440])
@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_staff_and_planners_pages_fit_a_desk(
    live_city, phone, complaint_with_history, locale, width
):
    page = phone(locale, width)
    sign_in(page, live_city.url, "agent.anfa@example.org")
    reference = complaint_with_history.reference
    paths = [
        "/staff/",
        f"/staff/complaints/{reference}/",
        "/staff/moderation/",
        "/staff/members/",
        "/planning/",
        "/map/heat/",
        "/planning/report/",
    ]

    assert overflowing(page, live_city.url, paths) == {}
