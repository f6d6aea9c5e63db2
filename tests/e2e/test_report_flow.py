"""A citizen reports a problem in a real browser, in French then in Arabic, and follows it."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point

from districts.selectors import locate
from issues.models import REFERENCE_PATTERN, Complaint
from tests.media import jpeg_bytes

pytestmark = pytest.mark.e2e


def drop_pin_in_the_middle_of_the_map(page) -> Point:
    page.locator("#report-map .leaflet-overlay-pane path").first.wait_for()
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('input[name=lat]').value !== ''")
    lat = float(page.input_value("input[name=lat]"))
    lon = float(page.input_value("input[name=lon]"))
    return Point(lon, lat, srid=4326)


def wait_for_arrondissement_name(page, name: str) -> None:
    page.wait_for_function(
        "name => document.getElementById('pin-where').textContent.includes(name)", arg=name
    )


def test_citizen_reports_a_water_leak_with_a_photo_and_follows_it(live_city, page, tmp_path):
    photo = tmp_path / "fuite.jpg"
    photo.write_bytes(jpeg_bytes(gps=(33.5731, -7.6298)))
    page.goto(live_city.url + "/report/")

    pin = drop_pin_in_the_middle_of_the_map(page)
    arrondissement = locate(pin).arrondissement
    wait_for_arrondissement_name(page, arrondissement.name_fr)
    page.select_option("select[name=category]", "water-leak")
    handler = page.locator("#pin-handler")
    handler.filter(has_text="SRM Casablanca-Settat").wait_for()
    page.fill("input[name=title]", "Fuite d'eau sur le trottoir")
    page.fill("textarea[name=description]", "L'eau coule depuis deux jours.")
    page.set_input_files("input[name=attachments]", str(photo))
    page.locator("#photo-location").wait_for(state="visible")
    page.click("#send-report")

    page.wait_for_url(re.compile(r"/report/CM-\d{4}-[0-9A-Z]{6}/sent/$"))
    reference = page.locator("[data-testid=reference]").inner_text()
    assert re.match(REFERENCE_PATTERN, reference)
    assert "SRM Casablanca-Settat" in page.locator("[data-testid=authority]").inner_text()
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.arrondissement == arrondissement
    assert complaint.attachments.count() == 1

    page.click("text=Suivre ce signalement")
    assert page.locator("[data-testid=status]").inner_text() == "Déposée"
    assert page.locator(".attachments img").count() == 1
    page.goto(live_city.url + "/track/")
    page.fill("input[name=code]", reference.lower())
    page.click("button[type=submit] >> text=Suivre")
    page.wait_for_url(f"**/track/{reference}/")


def test_arabic_report_is_right_to_left_and_names_the_handler_in_arabic(live_city, browser):
    context = browser.new_context(locale="ar-MA", viewport={"width": 412, "height": 915})
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(live_city.url + "/report/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    pin = drop_pin_in_the_middle_of_the_map(page)
    arrondissement = locate(pin).arrondissement
    wait_for_arrondissement_name(page, arrondissement.name_ar)
    page.select_option("select[name=category]", "roads-potholes")
    page.locator("#pin-handler").filter(has_text=arrondissement.name_ar).wait_for()
    assert "الطرق والحفر" in page.locator("select[name=category]").inner_text()
    page.fill("input[name=title]", "حفرة في الطريق")
    page.fill("textarea[name=description]", "حفرة عميقة أمام المدرسة.")
    page.click("#send-report")

    page.wait_for_url(re.compile(r"/sent/$"))
    assert page.locator("h1").inner_text() == "شكرا، تم إرسال بلاغك"
    reference = page.locator("[data-testid=reference]").inner_text()
    assert Complaint.objects.get(reference=reference).language == "ar"
    context.close()


def test_pin_outside_the_city_blocks_sending(live_city, page):
    page.goto(live_city.url + "/report/")
    page.locator("#report-map .leaflet-overlay-pane path").first.wait_for()
    box = page.locator("#report-map").bounding_box()

    page.mouse.click(box["x"] + 20, box["y"] + 80)  # a corner: at sea or outside the commune

    page.locator("#pin-error").filter(has_text="en dehors de la zone de service").wait_for()
    assert page.locator("#send-report").is_disabled()


def test_place_search_moves_the_pin(live_city, page):
    page.goto(live_city.url + "/report/")
    page.locator("#report-map .leaflet-overlay-pane path").first.wait_for()

    page.fill("#place-search", "casa voyageurs")
    page.locator("#place-results button").first.click()

    page.wait_for_function("() => document.querySelector('input[name=lat]').value !== ''")
    page.locator("#pin-where").filter(has_text="Arrondissement").wait_for()
