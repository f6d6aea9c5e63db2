"""Arabic pages are Arabic: no French name of a category, an arrondissement, an operator or a
préfecture on any page (public or staff) opened in Arabic — in the text, in a list's options, in
a label read aloud — and codes and paths sit in their own direction (issue #23, finding 3)."""

from __future__ import annotations

import re

import pytest

from districts.models import Authority, Category, Prefecture
from tests.e2e.test_accessibility import (
    PUBLIC_PAGES,
    complaint_with_history,
    sign_in,
    staff_pages,
)

pytestmark = pytest.mark.e2e

__all__ = ["complaint_with_history"]

# Every string a person may see or hear: text, the options of lists, and the labels of controls.
# Places' own names as OpenStreetMap tags them (`.place-name`, e.g. "Casa port (Sidi Belyout)")
# are data, not our labels: they are left out.
SHOWN_TEXT = """() => {
  for (const name of document.querySelectorAll('.place-name')) name.style.display = 'none';
  const parts = [document.body.innerText, document.title];
  for (const option of document.querySelectorAll('option')) parts.push(option.textContent);
  const labelled = '[aria-label], [title], [placeholder], img[alt]';
  for (const element of document.querySelectorAll(labelled)) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
    }
  }
  return parts.join('\\n');
}"""


def french_names() -> list[str]:
    """The French names that differ from their Arabic ones (an operator's brand may be the same
    in both)."""
    names = set()
    for model in (Category, Authority, Prefecture):
        for name_fr, name_ar in model.objects.values_list("name_fr", "name_ar"):
            if name_ar and name_fr and name_fr not in name_ar:
                names.add(name_fr)
    return sorted(names, key=len, reverse=True)


def french_names_in(text: str, names: list[str]) -> list[str]:
    return [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]


def scan(page, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    names = french_names()
    assert len(names) > 20  # the city is loaded: categories, 16 arrondissements, operators
    found = {}
    for path in paths:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        french = french_names_in(page.evaluate(SHOWN_TEXT), names)
        if french:
            found[path] = french
    return found


@pytest.fixture
def arabic_page(browser):
    context = browser.new_context(locale="ar-MA", viewport={"width": 1280, "height": 900})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    yield context.new_page()
    context.close()


def test_public_pages_in_arabic_show_no_french_name(live_city, arabic_page, complaint_with_history):
    reference = complaint_with_history.reference
    paths = [*PUBLIC_PAGES, f"/track/{reference}/", f"/report/{reference}/sent/"]

    assert scan(arabic_page, live_city.url, paths) == {}


def test_staff_pages_in_arabic_show_no_french_name(live_city, arabic_page, complaint_with_history):
    sign_in(arabic_page, live_city.url, "agent.anfa@example.org")
    paths = staff_pages(complaint_with_history.reference)

    assert scan(arabic_page, live_city.url, paths) == {}


def test_the_scan_finds_a_french_name_on_an_arabic_page(live_city, arabic_page):
    """Guards the guard."""
    arabic_page.goto(live_city.url + "/track/")
    arabic_page.evaluate(
        "() => { const option = document.createElement('option'); option.textContent ="
        " 'Sidi Bernoussi'; const list = document.createElement('select');"
        " list.append(option); document.querySelector('main').append(list); }"
    )

    names = french_names()
    assert french_names_in(arabic_page.evaluate(SHOWN_TEXT), names) == ["Sidi Bernoussi"]


def test_codes_and_feed_paths_keep_their_own_direction(
    live_city, arabic_page, complaint_with_history
):
    arabic_page.goto(live_city.url + f"/track/{complaint_with_history.reference}/")

    isolated = arabic_page.evaluate(
        """() => Array.from(document.querySelectorAll('.reference, bdi, [dir=ltr], code'))
             .map((element) => element.textContent.trim())"""
    )
    assert complaint_with_history.reference in isolated
