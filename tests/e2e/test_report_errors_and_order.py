"""The report page in the order a citizen needs it, and errors told where they happened
(issue #23): duplicates right after the category, with photo, age, state and distance; a preview
of the chosen photos; a summary before sending; and the outbox telling apart offline, refused
(400 → the fields, 429 → when to try again, 413 → which file) and server trouble."""

from __future__ import annotations

import pytest

from districts.models import Category
from issues.attachments import prepare
from issues.models import Complaint
from issues.services import create_complaint
from tests.e2e.test_report_flow import drop_pin_in_the_middle_of_the_map
from tests.media import jpeg_bytes, photo_upload, with_public_copies

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("media_in_tmp")]


def fill_a_report(page, title="Lampadaire éteint rue de Tunis"):
    drop_pin_in_the_middle_of_the_map(page)
    page.locator("#pin-handler").filter(has_text="Choisissez").wait_for()
    page.select_option("select[name=category]", "roads-potholes")
    page.fill("input[name=title]", title)
    page.fill("textarea[name=description]", "Depuis une semaine.")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_the_category_comes_before_the_details_and_brings_nearby_reports_at_once(live_city, page):
    page.goto(live_city.url + "/report/")
    order = page.evaluate(
        """() => ['select[name=category]', '#duplicates', 'input[name=kind]', 'input[name=title]',
                  'input[name=attachments]', 'input[name=contact_email]', '#report-summary',
                  '#send-report'].map((selector) => {
            const all = Array.from(document.querySelectorAll('body *'));
            return all.indexOf(document.querySelector(selector)); })"""
    )
    assert order == sorted(order) and -1 not in order  # the reading (and tab) order


def test_nearby_reports_of_the_category_show_photo_age_state_and_distance_and_take_a_support(
    live_city, page, point_in
):
    page.goto(live_city.url + "/report/")
    pin = drop_pin_in_the_middle_of_the_map(page)
    original = with_public_copies(
        create_complaint(
            category=Category.objects.get(code="roads-potholes"),
            location=pin,
            title="Trou au milieu de la chaussée",
            description="Grand trou.",
            attachments=[prepare(photo_upload())],
        )
    )
    page.locator("#pin-handler").filter(has_text="Choisissez").wait_for()
    page.select_option("select[name=category]", "roads-potholes")

    entry = page.locator("#duplicate-list li").first
    entry.wait_for()
    assert "Trou au milieu de la chaussée" in entry.inner_text()
    assert original.reference in entry.inner_text()
    meta = entry.locator(".duplicate__meta").inner_text()
    assert "Envoyé" in meta or "Reçu" in meta or original.get_status_display() in meta
    assert "aujourd’hui" in meta or "aujourd'hui" in meta
    assert "0 m" in meta or " m " in meta
    thumbnail = entry.locator("img.duplicate__photo")
    assert (
        thumbnail.evaluate(
            "(image) => new Promise((done) => image.complete ? done(image.naturalWidth)"
            " : image.addEventListener('load', () => done(image.naturalWidth)))"
        )
        > 0
    )
    assert page.input_value("input[name=title]") == ""  # offered before anything was typed

    page.focus("select[name=category]")
    page.keyboard.press("Tab")  # the keyboard meets the nearby reports before the details
    assert page.evaluate("() => document.activeElement.closest('#duplicate-list') !== null")

    entry.get_by_role("button", name="Soutenir").click()
    entry.get_by_role("button", name="Soutenu").wait_for()
    original.refresh_from_db()
    assert original.support_count == 1


def test_the_chosen_photos_are_previewed_and_the_summary_says_what_will_be_sent(
    live_city, page, tmp_path
):
    photo = tmp_path / "trou.jpg"
    photo.write_bytes(jpeg_bytes())
    page.goto(live_city.url + "/report/")
    fill_a_report(page)
    page.set_input_files("input[name=attachments]", str(photo))

    preview = page.locator("#photo-previews li")
    assert preview.count() == 1 and "trou.jpg" in preview.inner_text()
    assert (
        preview.locator("img").evaluate(
            "(image) => new Promise((done) => image.complete ? done(image.naturalWidth)"
            " : image.addEventListener('load', () => done(image.naturalWidth)))"
        )
        > 0
    )
    summary = page.locator("#report-summary").inner_text()
    for shown in ["nids-de-poule", "Lampadaire éteint rue de Tunis", "Anonyme", "1"]:
        assert shown in summary
    assert "Arrondissement" in summary  # the place, in words


def test_a_report_the_server_refuses_marks_its_fields_and_the_summary_takes_focus(live_city, page):
    page.goto(live_city.url + "/report/")
    drop_pin_in_the_middle_of_the_map(page)
    page.locator("#pin-handler").filter(has_text="Choisissez").wait_for()
    page.select_option("select[name=category]", "roads-potholes")
    page.click("#send-report")  # no title, no description

    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.id === 'error-summary'")
    links = summary.locator("a")
    assert links.count() == 2
    assert {links.nth(0).get_attribute("href"), links.nth(1).get_attribute("href")} == {
        "#id_title",
        "#id_description",
    }
    assert page.get_attribute("input[name=title]", "aria-invalid") == "true"
    assert page.locator('[data-field="title"] .field-error').is_visible()
    assert page.locator("#outbox li").count() == 0  # not "waiting": refused, and said so
    summary.locator('a[href="#id_title"]').click()
    assert focused_id(page) == "id_title"
    assert Complaint.objects.count() == 0


def test_a_rate_limited_report_says_when_to_try_again_and_stays_in_the_form(
    live_city, page, settings
):
    settings.REPORT_RATE_LIMIT = "1/h"
    page.goto(live_city.url + "/report/")
    fill_a_report(page, title="Premier signalement")
    page.click("#send-report")
    page.wait_for_url("**/sent/")

    page.goto(live_city.url + "/report/")
    fill_a_report(page, title="Deuxième signalement")
    page.click("#send-report")

    summary = page.locator("#error-summary")
    summary.filter(has_text="Trop de signalements").wait_for()
    assert "réessayez dans" in summary.inner_text()
    assert page.input_value("input[name=title]") == "Deuxième signalement"  # still editable
    assert page.locator("#outbox li").count() == 0  # never "waiting for the network"
    assert Complaint.objects.count() == 1


def test_a_file_over_the_limit_is_named_before_anything_is_sent(live_city, page, tmp_path):
    document = tmp_path / "plan-du-quartier.pdf"
    document.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10))
    posts = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    page.goto(live_city.url + "/report/")
    fill_a_report(page)
    page.set_input_files("input[name=attachments]", str(document))
    page.click("#send-report")

    summary = page.locator("#error-summary")
    summary.filter(has_text="plan-du-quartier.pdf").wait_for()
    assert "trop lourd" in summary.inner_text()
    assert [url for url in posts if url.endswith("/report/")] == []


def test_server_trouble_keeps_the_report_says_so_and_sends_it_later(live_city, page):
    """The server answers 503 once (set here at the network level: the live server cannot be
    made to fail on demand); the report waits on the phone as "server trouble", not offline,
    and goes when the page tries again."""
    failures = []

    def fail_once(route):
        if route.request.method == "POST" and not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, headers={"Retry-After": "30"}, json={"error": "busy"})
        else:
            route.continue_()

    page.route("**/report/", fail_once)
    page.goto(live_city.url + "/report/")
    fill_a_report(page, title="Bouche d'égout ouverte")
    page.click("#send-report")

    waiting = page.locator("#outbox li[data-state=waiting][data-problem=server]")
    waiting.wait_for()
    assert "le serveur a un problème" in waiting.inner_text()
    assert Complaint.objects.count() == 0

    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("#outbox [data-testid=outbox-reference]").wait_for()
    assert Complaint.objects.get().title == "Bouche d'égout ouverte"


def test_the_confirmation_does_not_ask_again_for_the_address_just_given(live_city, page):
    page.goto(live_city.url + "/report/")
    fill_a_report(page)
    page.fill("input[name=contact_email]", "habitant@example.org")
    page.click("#send-report")
    page.wait_for_url("**/sent/")

    assert page.get_by_test_id("updates-by-email").is_visible()
    assert page.locator("#follow-email").count() == 0
