"""Law 09-08: a reporter's contact details reach a delegated operator's staff only with the
reporter's consent (issues.policy.contact_shown_to), on the complaint page, the staff API and
the exports; the city's staff (arrondissement, supervisor) see them to relay."""

from __future__ import annotations

import pytest
from django.test import Client

from districts.models import Authority
from issues.models import Complaint
from tests.factories import StaffMembershipFactory

from .conftest import signed_in
from .test_api import token_client

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "Nadia Tazi",
    "contact_email": "nadia.tazi@example.ma",
    "contact_phone": "0661234567",
}
THROUGH_CITY = "Contacter via la ville"


@pytest.fixture
def srm_agent(casablanca):
    return StaffMembershipFactory(
        authority=Authority.objects.get(slug="srm-casablanca-settat"), role="agent"
    )


@pytest.fixture
def water_leak(report_in):
    """A leak in Anfa, handled by the operator SRM; `consent` says whether it may see the
    reporter's contact details."""

    def _file(*, consent: bool) -> Complaint:
        complaint = report_in(
            "anfa",
            "water-leak",
            title="Fuite, appelez le 0661234567",
            description="Nadia, joignable à nadia.tazi@example.ma ou au 0661234567.",
            share_contact_with_operator=consent,
            **CONTACT,
        )
        assert complaint.authority.slug == "srm-casablanca-settat"
        return complaint

    return _file


def page_of(membership, complaint) -> str:
    response = signed_in(membership).get(f"/staff/complaints/{complaint.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def api_of(membership, complaint) -> dict:
    response = token_client(membership).get(f"/api/v1/staff/complaints/{complaint.reference}/")
    assert response.status_code == 200
    return response.json()["properties"]


def exports_of(membership) -> str:
    client = signed_in(membership)
    bodies = []
    for path in ("/staff/export.csv", "/staff/export.geojson"):
        response = client.get(path, {"status": ["submitted"]})
        assert response.status_code == 200
        bodies.append(b"".join(response.streaming_content).decode("utf-8-sig"))
    return "\n".join(bodies)


def test_an_operator_without_consent_sees_contact_through_the_city_on_the_page(
    srm_agent, water_leak
):
    page = page_of(srm_agent, water_leak(consent=False))

    assert THROUGH_CITY in page
    assert not any(value in page for value in CONTACT.values())


def test_an_operator_without_consent_reads_the_masked_text_in_its_queue(srm_agent, water_leak):
    complaint = water_leak(consent=False)

    queue = signed_in(srm_agent).get("/staff/").content.decode()

    assert complaint.reference in queue
    assert "Fuite, appelez le [masqué]" in queue
    assert "0661234567" not in queue


def test_an_operator_with_consent_reads_the_citizens_own_text(srm_agent, water_leak):
    water_leak(consent=True)

    queue = signed_in(srm_agent).get("/staff/").content.decode()

    assert "Fuite, appelez le 0661234567" in queue


def test_an_operator_with_consent_sees_the_contact_details_on_the_page(srm_agent, water_leak):
    page = page_of(srm_agent, water_leak(consent=True))

    assert THROUGH_CITY not in page
    assert all(value in page for value in CONTACT.values())


def test_an_operator_without_consent_gets_no_contact_through_the_staff_api(srm_agent, water_leak):
    body = api_of(srm_agent, water_leak(consent=False))

    assert (body["contact_name"], body["contact_email"], body["contact_phone"]) == ("", "", "")
    assert body["contact_through_city"] is True


def test_an_operator_with_consent_gets_the_contact_through_the_staff_api(srm_agent, water_leak):
    body = api_of(srm_agent, water_leak(consent=True))

    assert body["contact_email"] == CONTACT["contact_email"]
    assert body["contact_phone"] == CONTACT["contact_phone"]
    assert body["contact_through_city"] is False


def test_the_operators_exports_carry_no_contact_details(srm_agent, water_leak):
    complaint = water_leak(consent=False)

    exported = exports_of(srm_agent)

    assert complaint.reference in exported
    assert "Fuite, appelez le [masqué]" in exported
    assert not any(value in exported for value in CONTACT.values())


def test_the_city_exports_keep_the_citizens_own_text(supervisor, water_leak):
    water_leak(consent=False)

    exported = exports_of(supervisor)

    assert "Fuite, appelez le 0661234567" in exported


def test_the_arrondissement_sees_the_contact_details_without_consent(anfa_agent, report_in):
    complaint = report_in("anfa", share_contact_with_operator=False, **CONTACT)

    page = page_of(anfa_agent, complaint)
    body = api_of(anfa_agent, complaint)

    assert THROUGH_CITY not in page
    assert all(value in page for value in CONTACT.values())
    assert body["contact_email"] == CONTACT["contact_email"]
    assert body["contact_through_city"] is False


def test_the_city_supervisor_sees_an_operators_report_contact_to_relay_it(supervisor, water_leak):
    complaint = water_leak(consent=False)

    page = page_of(supervisor, complaint)
    body = api_of(supervisor, complaint)

    assert all(value in page for value in CONTACT.values())
    assert body["contact_phone"] == CONTACT["contact_phone"]


def test_the_consent_is_taken_on_the_report_form(client, casablanca, point_in):
    from districts.models import Category

    location = point_in("anfa")
    data = {
        "kind": "complaint",
        "category": Category.objects.get(code="water-leak").code,
        "title": "Fuite",
        "description": "De l'eau coule.",
        "lat": location.y,
        "lon": location.x,
        "share_contact_with_operator": "on",
        **CONTACT,
    }

    client.post("/report/", data)
    client.post("/api/v1/complaints/", {**data, "share_contact_with_operator": "false"})

    assert list(
        Complaint.objects.order_by("created_at", "id").values_list(
            "share_contact_with_operator", flat=True
        )
    ) == [True, False]


def test_no_contact_shown_to_someone_who_is_not_staff(water_leak):
    from issues import policy
    from tests.factories import UserFactory

    assert policy.contact_shown_to(UserFactory(), water_leak(consent=True)).is_empty


def test_an_anonymous_client_is_refused_the_staff_api(water_leak):
    complaint = water_leak(consent=True)

    assert Client().get(f"/api/v1/staff/complaints/{complaint.reference}/").status_code == 401
