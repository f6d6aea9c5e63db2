"""An arrondissement agent works the queue in a real browser; the citizen sees the answer."""

from __future__ import annotations

import pytest

from districts.models import Authority, Category
from issues.services import create_complaint
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e


def test_agent_filters_opens_acknowledges_and_the_citizen_sees_it(live_city, page, point_in):
    anfa = Authority.objects.get(slug="anfa")
    StaffMembershipFactory(user__username="agent.anfa@example.org", authority=anfa)
    noise = create_complaint(
        category=Category.objects.get(code="noise"),
        location=point_in("anfa"),
        title="Chantier bruyant la nuit",
        description="Tous les soirs après 23 h.",
    )
    pothole = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule",
        description="Profond.",
    )

    page.goto(live_city.url + "/accounts/login/?next=/staff/")
    page.fill("input[name=username]", "agent.anfa@example.org")
    page.fill("input[name=password]", "pw-123456x")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    assert page.locator(f"tr[data-reference='{pothole.reference}']").count() == 1

    page.select_option("select[name=category]", "noise")
    page.click("text=Filtrer")
    page.wait_for_url("**/staff/?*category=noise*")
    assert page.locator(f"tr[data-reference='{pothole.reference}']").count() == 0
    page.click(f"text={noise.reference}")

    form = page.locator("[data-testid=transition-form]")
    form.locator("textarea[name=message]").fill("Voir le chef de chantier")
    form.locator("input[name=audience][value=internal]").check()
    form.locator("[data-testid=save-message]").click()
    page.locator("[data-testid=audit-trail]").filter(has_text="chef de chantier").wait_for()
    form.locator("textarea[name=message]").fill("Un agent passera jeudi.")
    form.locator("input[name=audience][value=public]").check()
    form.locator("button[name=to_status][value=acknowledged]").click()
    page.locator("[data-testid=status]").filter(has_text="Prise en charge").wait_for()
    assert "Voir le chef de chantier" in page.locator("[data-testid=audit-trail]").inner_text()

    page.goto(live_city.url + f"/track/{noise.reference}/")
    assert page.locator("[data-testid=status]").inner_text() == "Prise en charge"
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "Un agent passera jeudi." in timeline
    assert "chef de chantier" not in page.content()
