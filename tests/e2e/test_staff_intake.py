"""A staff member files a report for a citizen who phoned, in a real browser: the pin placed by
searching the place the caller names (in Arabic), a scanned letter attached, and the tracking code
read back from the confirmation."""

from __future__ import annotations

import re

import pytest

from districts.models import Authority
from districts.selectors import locate
from issues.models import REFERENCE_PATTERN, Complaint
from tests.e2e.test_accessibility import sign_in
from tests.factories import StaffMembershipFactory
from tests.media import jpeg_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def anfa_agent(live_city):
    return StaffMembershipFactory(
        user__username="agent.anfa@example.org", authority=Authority.objects.get(slug="anfa")
    ).user


def test_an_agent_files_a_phone_call_placed_by_an_arabic_place_name_and_reads_the_code(
    live_city, page, anfa_agent, tmp_path
):
    letter = tmp_path / "lettre.png"
    letter.write_bytes(jpeg_bytes(size=(80, 60), fmt="PNG"))
    sign_in(page, live_city.url, "agent.anfa@example.org")
    page.goto(live_city.url + "/staff/")
    page.click("[data-testid=queue-intake-link]")
    page.wait_for_url("**/staff/intake/")

    page.fill("#place-search", "توين سنتر")  # the Twin Center, as the caller says it
    page.locator("#place-results button").first.click()
    page.wait_for_function("() => document.querySelector('input[name=lat]').value !== ''")
    lat, lon = (
        float(page.input_value("input[name=lat]")),
        float(page.input_value("input[name=lon]")),
    )
    page.locator("#pin-where").filter(has_text="Arrondissement").wait_for()
    page.check("input[name=channel][value=phone]")
    page.fill("input[name=contact_name]", "Fatima Zahra")
    page.fill("input[name=contact_phone]", "06 12 34 56 78")
    page.fill("input[name=contact_email]", "fatima@example.org")
    page.check("input[name=language][value=ar]")
    page.select_option("select[name=category]", "roads-potholes")
    page.locator("#pin-handler").filter(has_text="Traité par").wait_for()
    page.fill("input[name=title]", "Nid-de-poule devant le Twin Center")
    page.fill("textarea[name=description]", "La citoyenne dit que le trou est profond.")
    page.set_input_files("input[name=attachments]", str(letter))
    page.click("#send-report")

    page.wait_for_url(re.compile(r"/staff/intake/CM-\d{4}-[0-9A-Z]{6}/$"))
    code = page.locator("[data-testid=intake-code]")
    reference = code.inner_text()
    assert re.match(REFERENCE_PATTERN, reference)
    assert float(code.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")) >= 28
    assert "fatima@example.org" in page.locator("[data-testid=acknowledgement]").inner_text()
    complaint = Complaint.objects.get(reference=reference)
    assert page.locator("[data-testid=private-link]").inner_text().endswith(complaint.owner_key)
    assert (complaint.channel, complaint.filed_by, complaint.language) == (
        "phone",
        anfa_agent,
        "ar",
    )
    assert complaint.contact_phone == "+212612345678"
    assert abs(complaint.location.y - lat) < 1e-6 and abs(complaint.location.x - lon) < 1e-6
    routed = locate(complaint.location).arrondissement
    assert complaint.authority == routed and routed.slug != "anfa"  # by place, not by the filer
    assert complaint.attachments.count() == 1


def test_a_refused_phone_number_is_named_at_the_top_in_arabic_and_nothing_is_filed(
    live_city, browser, anfa_agent
):
    context = browser.new_context(locale="ar-MA", viewport={"width": 412, "height": 915})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    sign_in(page, live_city.url, "agent.anfa@example.org")
    page.goto(live_city.url + "/staff/intake/?place=Twin+Center")
    page.locator("#place-results a").first.click()  # without the map: the page's own links
    page.check("input[name=channel][value=counter]")
    page.fill("input[name=contact_phone]", "06 12 34")
    page.select_option("select[name=category]", "roads-potholes")
    page.fill("input[name=title]", "حفرة")
    page.fill("textarea[name=description]", "حفرة عميقة.")
    page.click("#send-report")

    summary = page.locator("#error-summary")
    summary.wait_for(state="visible")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "أدخل رقم هاتف" in summary.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert not Complaint.objects.exists()
    context.close()
