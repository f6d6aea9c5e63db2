"""The staff queue at a desk (1440 px), in French and in Arabic (issue #24, findings 6–8):
status checkboxes filter, the header checkbox ticks the page, a bulk action on the ticked
reports and then on every matching one is applied, and a marker of the queue map opens its
complaint. Set SHOTS_DIR to keep screenshots of each step."""

from __future__ import annotations

import os

import pytest

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import create_complaint, transition
from tests.e2e.test_accessibility import sign_in
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e
S = Complaint.Status


def shot(page, name: str) -> None:
    if os.environ.get("SHOTS_DIR"):
        page.screenshot(path=os.path.join(os.environ["SHOTS_DIR"], name + ".png"), full_page=True)


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_agent_filters_selects_all_acts_and_opens_a_report_from_the_map(
    live_city, browser, point_in, locale
):
    agent = StaffMembershipFactory(
        user__username="agent.anfa@example.org", authority=Authority.objects.get(slug="anfa")
    ).user
    noise = Category.objects.get(code="noise")
    fresh = [
        create_complaint(
            category=noise, location=point_in("anfa"), title=f"Bruit {n}", description="La nuit."
        )
        for n in range(2)
    ]
    taken = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule",
        description="Profond.",
    )
    transition(complaint=taken, to_status=S.ACKNOWLEDGED, actor=agent)
    context = browser.new_context(locale=locale, viewport={"width": 1440, "height": 900})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    lang = locale[:2]

    sign_in(page, live_city.url, "agent.anfa@example.org")
    page.wait_for_url("**/")
    page.goto(live_city.url + "/staff/")
    rows = page.locator("tr[data-reference]")
    assert rows.count() == 3
    shot(page, f"queue-{lang}-default")

    # Status checkboxes: only the acknowledged ones, then only the submitted ones.
    filters = page.locator("[data-testid=queue-filters]")
    filters.locator("input[name=status][value=submitted]").uncheck()
    filters.locator("button[type=submit]").click()
    page.wait_for_url("**/staff/?*filtered=1*")
    assert [r.get_attribute("data-reference") for r in rows.all()] == [taken.reference]
    filters.locator("input[name=status][value=submitted]").check()
    filters.locator("input[name=status][value=acknowledged]").uncheck()
    filters.locator("button[type=submit]").click()
    page.wait_for_url("**/staff/?*status=submitted*")
    assert rows.count() == 2

    # The header checkbox ticks the page; only the agent list shows for "assign".
    bar = page.locator("[data-testid=bulk-bar]")
    page.locator("[data-select-page]").check()
    assert page.locator("input[name=references]:checked").count() == 2
    assert bar.locator("[data-testid=ticked-count]").inner_text() == "(2)"
    assert bar.locator("select[name=agent]").is_hidden()  # "acknowledge" is chosen first
    bar.locator("select[name=action]").select_option("assign")
    assert bar.locator("input[name=public_message]").is_hidden()
    bar.locator("select[name=agent]").select_option(str(agent.pk))
    shot(page, f"queue-{lang}-bulk")
    bar.locator("button[type=submit]").click()
    page.locator(".message--success").wait_for()
    assert {c.assigned_to for c in Complaint.objects.filter(pk__in=[c.pk for c in fresh])} == {
        agent
    }

    # Every report matching the filters, acknowledged at once (the bar's message field shows).
    bar.locator("select[name=action]").select_option("acknowledge")
    assert bar.locator("input[name=public_message]").is_visible()
    assert bar.locator("select[name=agent]").is_hidden()
    bar.locator("input[name=select][value=matching]").check()
    bar.locator("button[type=submit]").click()
    page.locator(".message--success").wait_for()
    assert set(
        Complaint.objects.filter(pk__in=[c.pk for c in fresh]).values_list("status", flat=True)
    ) == {S.ACKNOWLEDGED}

    # The map: markers by status, the legend in words, a click opens the complaint.
    page.goto(live_city.url + "/staff/?filtered=1")
    page.locator(".queue-map-panel summary").click()
    page.locator(".queue-map-panel[data-points='3']").wait_for(state="attached")
    assert page.locator("[data-testid=queue-map-legend] li").count() == len(S.choices) + 1
    shot(page, f"queue-{lang}-map")
    # The reports share a point here: the marker drawn last is the one on top.
    marker = page.locator("path.queue-marker").last
    reference = marker.get_attribute("data-reference")
    assert "queue-marker--acknowledged" in marker.get_attribute("class")
    marker.click()
    page.wait_for_url(f"**/staff/complaints/{reference}/")
    context.close()


def test_the_queue_maps_markers_are_reached_with_tab_and_opened_with_enter(
    live_city, browser, point_in
):
    StaffMembershipFactory(
        user__username="agent.anfa@example.org", authority=Authority.objects.get(slug="anfa")
    )
    for east in (0, 0.003):
        create_complaint(
            category=Category.objects.get(code="roads-potholes"),
            location=point_in("anfa").__class__(
                point_in("anfa").x + east, point_in("anfa").y, srid=4326
            ),
            title="Nid-de-poule",
            description="Profond.",
        )
    context = browser.new_context(locale="fr-FR", viewport={"width": 1440, "height": 900})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    sign_in(page, live_city.url, "agent.anfa@example.org")
    page.wait_for_url("**/")
    page.goto(live_city.url + "/staff/")
    page.locator(".queue-map-panel summary").click()
    page.locator(".queue-map-panel[data-points='2']").wait_for(state="attached")

    markers = page.locator("#queue-map path.queue-marker")
    for index in range(2):
        marker = markers.nth(index)
        assert marker.get_attribute("tabindex") == "0" and marker.get_attribute("role") == "link"
        name = marker.get_attribute("aria-label")
        assert name.startswith(marker.get_attribute("data-reference") + ", Déposée")
    # Tab from the panel's summary reaches the markers (after the map itself).
    page.locator(".queue-map-panel summary").focus()
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.getAttribute('data-reference')"))
    first = markers.first.get_attribute("data-reference")
    assert first in reached
    page.locator(f"#queue-map path[data-reference='{first}']").focus()
    assert page.locator(".leaflet-tooltip").filter(has_text=first).is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/complaints/{first}/")
    context.close()
