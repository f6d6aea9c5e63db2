"""Every kind of page runs under the Content-Security-Policy with nothing blocked: no inline
script left that the policy would need to allow (inline styles only on the API docs page), no
asset from another origin."""

from __future__ import annotations

import pytest

from districts.models import Authority, Category
from issues.services import create_complaint
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    "/",
    "/map/arrondissements/",
    "/map/",
    "/map/heat/",
    "/planning/",
    "/report/",
    "/track/",
    "/accounts/login/",
    "/accounts/signup/",
    "/api/v1/docs/",
    "/admin/login/",
]


def test_every_page_loads_with_its_policy_and_breaks_none_of_it(live_city, page, point_in):
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule",
        description="Profond.",
    )
    StaffMembershipFactory(
        user__username="agent.anfa@example.org", authority=Authority.objects.get(slug="anfa")
    )

    pages = [*PUBLIC_PAGES, f"/track/{complaint.reference}/"]
    for path in pages:
        response = page.goto(live_city.url + path)
        assert response.status == 200, path
        policy = response.header_value("content-security-policy")
        script_sources = next(d for d in policy.split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_sources, path
        if path != "/api/v1/docs/":  # Swagger UI's own inline styles (casa_map/urls.py)
            assert "'unsafe-inline'" not in policy, path
        page.wait_for_load_state("networkidle")

    page.goto(live_city.url + "/accounts/login/?next=/staff/")
    page.fill("input[name=username]", "agent.anfa@example.org")
    page.fill("input[name=password]", "pw-123456x")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    page.wait_for_load_state("networkidle")
    page.goto(live_city.url + f"/staff/complaints/{complaint.reference}/")
    page.wait_for_load_state("networkidle")

    assert page.csp_violations == []
