"""Reporting from a phone in a real browser: offline (kept on the phone, sent on reconnection,
stored once with its photo downscaled in the browser), with the keyboard alone, and without any
script or map at all."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from districts.selectors import locate, search_places
from issues.models import Attachment, Complaint
from tests.e2e.test_report_flow import drop_pin_in_the_middle_of_the_map

pytestmark = pytest.mark.e2e

PHOTO_UPLOAD_LIMIT = 1024 * 1024


def large_phone_photo(path, *, size=(4000, 3000)) -> int:
    """A photo as a phone takes it: 12 megapixels of detail (noise compresses badly)."""
    image = Image.merge("RGB", [Image.effect_noise(size, 60) for _ in range(3)])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def wait_until_controlled_by_the_service_worker(page) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_a_report_filled_offline_is_kept_then_sent_once_with_its_photo(live_city, page, tmp_path):
    photo = tmp_path / "phone.jpg"
    photo_bytes = large_phone_photo(photo)
    assert photo_bytes > 3 * PHOTO_UPLOAD_LIMIT
    uploads = []
    page.on(
        "request",
        lambda request: (
            uploads.append(len(request.post_data_buffer or b""))
            if request.method == "POST" and request.url.endswith("/report/")
            else None
        ),
    )
    page.goto(live_city.url + "/report/")
    wait_until_controlled_by_the_service_worker(page)

    page.context.set_offline(True)
    page.reload()  # the page itself now comes from the phone
    pin = drop_pin_in_the_middle_of_the_map(page)
    page.locator("#pin-where").filter(has_text="hors ligne").wait_for()
    page.select_option("select[name=category]", "roads-potholes")
    page.fill("input[name=title]", "Nid-de-poule rue de Tunis")
    page.fill("textarea[name=description]", "Trou profond, signalé depuis le tunnel.")
    page.set_input_files("input[name=attachments]", str(photo))
    page.click("#send-report")

    page.locator("#outbox li[data-state=waiting]").filter(has_text="En attente d'envoi").wait_for()
    assert Complaint.objects.count() == 0
    assert page.input_value("input[name=title]") == ""  # ready for another report

    page.context.set_offline(False)
    reference_link = page.locator("#outbox [data-testid=outbox-reference]")
    reference_link.wait_for()

    complaint = Complaint.objects.get()
    assert complaint.reference == reference_link.inner_text()
    assert complaint.title == "Nid-de-poule rue de Tunis"
    assert complaint.arrondissement == locate(pin).arrondissement
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert uploads and max(uploads) < PHOTO_UPLOAD_LIMIT + 64 * 1024  # photo + form fields
    reference_link.click()
    page.wait_for_url(re.compile(rf"/report/{complaint.reference}/sent/$"))


def test_the_report_page_opens_offline_in_arabic(live_city, browser):
    context = browser.new_context(locale="ar-MA", viewport={"width": 412, "height": 915})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(live_city.url + "/report/")
    wait_until_controlled_by_the_service_worker(page)

    context.set_offline(True)
    page.goto(live_city.url + "/report/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#send-report").is_visible()
    page.locator("#report-map .leaflet-overlay-pane path").first.wait_for()  # cached boundaries
    context.close()


def press_tab_until(page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_report_made_with_the_keyboard_alone_and_no_map(live_city, page):
    place = search_places("Gare Casa-Port")[0]
    page.goto(live_city.url + "/report/")

    press_tab_until(page, "#place-search")
    page.keyboard.type("Gare Casa-Port")
    page.keyboard.press("Enter")
    page.locator("#place-results button").first.wait_for()
    assert "lieux trouvés" in page.locator("#place-count").inner_text()
    press_tab_until(page, "#place-results button")
    page.keyboard.press("Enter")
    page.locator("#pin-where").filter(has_text="Au plus près de").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "pin-where"
    press_tab_until(page, "select[name=category]")
    while page.input_value("select[name=category]") != "street-lighting":
        page.keyboard.press("ArrowDown")
    press_tab_until(page, "input[name=title]")
    page.keyboard.type("Lampadaire éteint")
    press_tab_until(page, "textarea[name=description]")
    page.keyboard.type("Devant l'entrée de la gare.")
    press_tab_until(page, "#send-report")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/sent/$"))
    complaint = Complaint.objects.get()
    assert complaint.arrondissement == locate(place.location).arrondissement
    assert complaint.category.code == "street-lighting"


def test_a_report_without_any_script_or_map(live_city, browser):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_city.url + "/report/")

    page.fill("#place-search", "Gare Casa-Port")
    page.click("#place-search-form button[type=submit]")
    page.locator("#place-results a").first.click()
    page.locator("#pin-where").filter(has_text="Au plus près de").wait_for()
    page.select_option("select[name=category]", "roads-potholes")
    page.fill("input[name=title]", "Nid-de-poule")
    page.fill("textarea[name=description]", "Devant la gare.")
    page.click("#send-report")

    page.wait_for_url(re.compile(r"/sent/$"))
    assert Complaint.objects.count() == 1
    context.close()
