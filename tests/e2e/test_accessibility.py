"""Every public and staff page, in French and in Arabic, passes axe-core (WCAG 2.1 A and AA
rules) with no serious or critical violation. axe-core is vendored in tests/e2e/vendor/ by
scripts/vendor_static.sh and injected by the test; it is never served to visitors."""

from __future__ import annotations

from pathlib import Path

import pytest

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import create_complaint, transition
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "pw-123456x"  # tests.factories.UserFactory's

PUBLIC_PAGES = [
    "/",
    "/report/",
    "/report/?place=Gare+Casa-Port",
    "/map/",
    "/map/heat/",
    "/map/arrondissements/",
    "/planning/",
    "/track/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/alerts/",
    "/alerts/?place=Gare+Casa-Port",
    "/privacy/",
    "/no/such/page/",
]


def serious_violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def a11y_context(browser, live_city):
    """Pages are checked as delivered, but the policy is bypassed so the test can inject axe."""
    contexts = []

    def _context(locale: str):
        context = browser.new_context(
            locale=locale, viewport={"width": 412, "height": 915}, bypass_csp=True
        )
        context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
        contexts.append(context)
        return context

    yield _context
    for context in contexts:
        context.close()


@pytest.fixture
def complaint_with_history(live_city, point_in):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule",
        description="Profond, devant l'école.",
    )
    agent = StaffMembershipFactory(
        user__username="agent.anfa@example.org",
        authority=Authority.objects.get(slug="anfa"),
        role="manager",  # so the moderation pages are checked too
    ).user
    transition(
        complaint=complaint,
        to_status=Complaint.Status.ACKNOWLEDGED,
        actor=agent,
        public_message="Pris en charge par l'équipe voirie.",
    )
    return complaint


def staff_pages(reference: str) -> list[str]:
    """The pages a staff member works in (and their own reports), for the tests that walk them
    all: accessibility, reflow, Arabic."""
    return [
        "/staff/",
        f"/staff/complaints/{reference}/",
        "/staff/moderation/",
        "/staff/members/",
        "/staff/intake/",
        "/my/reports/",
        "/my/account/",
        "/my/account/delete/",
    ]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_public_pages_have_no_serious_accessibility_violation(
    live_city, a11y_context, complaint_with_history, locale
):
    page = a11y_context(locale).new_page()
    reference = complaint_with_history.reference
    found = {}
    for path in [*PUBLIC_PAGES, f"/track/{reference}/", f"/report/{reference}/sent/"]:
        page.goto(live_city.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations

    assert found == {}


@pytest.mark.parametrize("locale", ["fr-FR", "ar-MA"])
def test_staff_and_account_pages_have_no_serious_accessibility_violation(
    live_city, a11y_context, complaint_with_history, locale
):
    page = a11y_context(locale).new_page()
    sign_in(page, live_city.url, "agent.anfa@example.org")
    found = {}
    for path in [*staff_pages(complaint_with_history.reference), "/alerts/"]:
        page.goto(live_city.url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations

    assert found == {}


def test_the_checker_does_find_a_violation(live_city, a11y_context):
    """Guards the guard: an unlabelled field and an image without text are reported."""
    page = a11y_context("fr-FR").new_page()
    page.goto(live_city.url + "/track/")
    page.evaluate(
        "() => { document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><img src=/static/icons/icon-192.png>'); }"
    )

    violations = " ".join(serious_violations(page))

    assert "label" in violations and "image-alt" in violations
