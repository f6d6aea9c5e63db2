"""In a real browser: a citizen flags a report, a moderator finds it in the moderation queue,
replaces its public title with a reason, and the public sees only the new title."""

from __future__ import annotations

import re

import pytest

from districts.models import Authority, Category
from issues.models import Event
from issues.services import create_complaint
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e

PASSWORD = "pw-123456x"  # tests.factories.UserFactory's


def test_a_flagged_report_is_redacted_by_a_moderator(live_city, page, point_in, browser):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Trou devant chez Mme Benali, 0612345678",
        description="Profond.",
    )
    StaffMembershipFactory(
        user__username="moderatrice.anfa@example.org",
        role="moderator",
        authority=Authority.objects.get(slug="anfa"),
    )

    page.goto(f"{live_city.url}/track/{complaint.reference}/")
    page.click(".flag-report summary")
    page.check("input[name=reason][value=personal_data]")
    page.click(".flag-report button[type=submit]")
    page.locator(".messages").filter(has_text="modérateur").wait_for()

    staff = browser.new_context(locale="fr-FR")
    desk = staff.new_page()
    desk.goto(f"{live_city.url}/accounts/login/?next=/staff/moderation/")
    desk.fill("input[name=username]", "moderatrice.anfa@example.org")
    desk.fill("input[name=password]", PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url("**/staff/moderation/")
    desk.click(f"text={complaint.reference}")
    assert "données personnelles" in desk.locator("[data-testid=open-flags]").inner_text().lower()
    form = desk.locator("[data-testid=moderate-form]")
    form.locator("select[name=decision]").select_option("redact")
    form.locator("input[name=reason]").fill("Nom et téléphone d'un tiers")
    form.locator("input[name=public_title]").fill("Trou dans la chaussée")
    form.locator("button[type=submit]").click()
    desk.locator(".messages").filter(has_text="Modération enregistrée").wait_for()
    assert "Trou dans la chaussée" in desk.locator("[data-testid=redaction]").inner_text()
    desk.goto(f"{live_city.url}/staff/moderation/")
    assert complaint.reference not in desk.content()
    staff.close()

    page.goto(f"{live_city.url}/track/{complaint.reference}/")
    assert page.locator("h1").inner_text() == "Trou dans la chaussée"
    assert not re.search("0612345678|Benali", page.content())
    # The phone number was already masked at filing (issues.personal_data, an event without an
    # actor); the name was the moderator's to redact.
    event = Event.objects.get(complaint=complaint, kind=Event.Kind.MODERATED, actor__isnull=False)
    assert "Nom et téléphone" in event.internal_note and not event.is_public
