"""In a real browser on a phone's width, in Arabic: a passer-by gives news of a report with a
photo; once a moderator has published it, it is on the report's timeline with its photo."""

from __future__ import annotations

from pathlib import Path

import pytest

from districts.models import Category
from issues import moderation
from issues.models import CitizenUpdate
from issues.services import create_complaint
from tests.factories import StaffMembershipFactory
from tests.media import jpeg_bytes

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots-track")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser):
    """An Arabic-speaking phone (390 px) whose Content-Security-Policy reports are failures."""
    context = browser.new_context(locale="ar-MA", viewport=PHONE)
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert violations == []


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_update_with_a_photo_is_on_the_timeline_once_published(live_city, phone_page, point_in):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="حفرة في الطريق",
        description="حفرة عميقة أمام السوق.",
    )
    url = f"{live_city.url}/track/{complaint.reference}/"
    page = phone_page

    page.goto(url)
    assert fits_the_screen(page)
    form = page.locator("[data-testid=update-form]")
    form.locator("input[name=claim][value=still_there]").check()
    form.locator("textarea[name=text]").fill("ما زالت الحفرة هنا هذا الصباح.")
    form.locator("input[name=photo]").set_input_files(
        {"name": "hole.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(800, 600))}
    )
    form.locator("button[type=submit]").click()
    page.locator(".messages").filter(has_text="مشرف").wait_for()
    assert "ما زالت الحفرة هنا" not in page.locator("[data-testid=timeline]").inner_text()

    update = CitizenUpdate.objects.get(complaint=complaint)
    assert update.photo is not None
    moderator = StaffMembershipFactory(role="moderator", authority=complaint.authority).user
    moderation.moderate_update(update=update, actor=moderator, decision="publish", reason="OK")

    page.goto(url)
    entry = page.locator("[data-testid=citizen-update]")
    assert "ما زالت الحفرة هنا هذا الصباح." in entry.inner_text()
    photo = entry.locator("img")
    photo.wait_for()
    assert photo.evaluate("image => image.complete && image.naturalWidth > 0")
    assert fits_the_screen(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "track-ar-390.png"), full_page=True)

    page.context.add_cookies([{"name": "django_language", "value": "fr", "url": live_city.url}])
    page.goto(url)
    assert "Le problème est toujours là" in entry.inner_text()
    assert fits_the_screen(page)
    page.screenshot(path=str(SHOTS / "track-fr-390.png"), full_page=True)
