"""A citizen asks, from the public map, for e-mails about new reports around a place, confirms
from the e-mailed link, and receives the next report filed there."""

from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail

from alerts.models import Alert
from alerts.services import send_alerts
from districts.models import Category
from issues.services import create_complaint

pytestmark = pytest.mark.e2e

EMAIL = "salma.idrissi@example.org"


def test_subscribing_from_the_map_confirming_and_getting_the_next_report(live_city, page):
    page.goto(live_city.url + "/map/")
    page.locator("#public-map .leaflet-overlay-pane path").first.wait_for()  # map settled
    page.wait_for_function("() => document.getElementById('alert-lat').value !== ''")
    centre_lat = page.input_value("#alert-lat")
    page.click("#alert-here summary")
    page.select_option("#alert-radius", "1000")
    page.fill("#alert-email", EMAIL)
    page.click("#alert-here button[type=submit]")

    page.wait_for_url("**/map/")
    assert EMAIL in page.locator(".messages").inner_text()
    alert = Alert.objects.get()
    assert (alert.kind, alert.radius_m, alert.is_confirmed) == ("nearby", 1000, False)
    assert alert.point.y == pytest.approx(float(centre_lat), abs=0.01)  # the map's centre

    link = re.search(r"https?://\S+/alerts/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(live_city.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.click("main button[type=submit]")
    page.locator(".messages").filter(has_text="confirmée").wait_for()
    alert.refresh_from_db()
    assert alert.is_confirmed

    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=Point(alert.point.x + 0.001, alert.point.y, srid=4326),
        title="Nid-de-poule près de chez moi",
        description="Profond.",
    )
    mail.outbox.clear()
    send_alerts()
    (sent,) = [message for message in mail.outbox if message.to == [EMAIL]]
    assert complaint.reference in sent.body
