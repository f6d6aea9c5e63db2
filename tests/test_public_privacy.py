"""No public answer of the site, the REST API or Open311 carries a reporter's personal data:
a report filed with a name, an e-mail and a phone, through each channel, is looked for in every
public payload."""

from __future__ import annotations

import pytest
from rest_framework_api_key.models import APIKey

from issues.models import Complaint
from issues.services import add_message
from tests.factories import UserFactory

PERSONAL = {
    "name": "Nadia Benjelloun",
    "email": "nadia.benjelloun@example.org",
    "phone": "+212 6 55 44 33 22",
}
NOTE = "Rappeler Mme Benjelloun"


@pytest.fixture
def filed(client, casablanca, point_in) -> list[str]:
    """The same person reports through the web form, the REST API and Open311."""
    point = point_in("anfa")
    common = {"category": "roads-potholes", "title": "Trou", "description": "Trou profond."}
    contact = {
        "contact_name": PERSONAL["name"],
        "contact_email": PERSONAL["email"],
        "contact_phone": PERSONAL["phone"],
    }
    client.post(
        "/report/", common | contact | {"kind": "complaint", "lat": point.y, "lon": point.x}
    )
    client.post("/api/v1/complaints/", common | contact | {"lat": point.y, "lon": point.x})
    _key, secret = APIKey.objects.create_key(name="privacy")
    first, last = PERSONAL["name"].split()
    client.post(
        "/open311/v2/requests.json",
        {
            "api_key": secret,
            "service_code": "roads-potholes",
            "lat": point.y,
            "long": point.x,
            "description": "Trou profond.",
            "email": PERSONAL["email"],
            "first_name": first,
            "last_name": last,
            "phone": PERSONAL["phone"],
        },
    )
    references = list(Complaint.objects.values_list("reference", flat=True))
    assert len(references) == 3
    for complaint in Complaint.objects.all():
        add_message(complaint=complaint, actor=UserFactory(), internal_note=NOTE)
    return references


def public_urls(references: list[str], point) -> list[str]:
    near = f"lat={point.y}&lon={point.x}"
    urls = [
        "/api/v1/complaints/",
        "/api/v1/complaints/?status=open&page_size=500",
        f"/api/v1/complaints/nearby/?{near}&category=roads-potholes",
        "/api/v1/map/complaints/",
        "/api/v1/heatmap/?zoom=17",
        "/api/v1/hotspots/?metres=50&min_count=2",
        "/api/v1/figures/arrondissements/",
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/map/",
        "/map/heat/",
        "/planning/",
        "/planning/export/hotspots.csv",
    ]
    for reference in references:
        urls += [
            f"/api/v1/complaints/{reference}/",
            f"/open311/v2/requests/{reference}.json",
            f"/open311/v2/requests/{reference}.xml",
            f"/track/{reference}/",
        ]
    return urls


def test_no_public_payload_holds_the_reporters_data_or_internal_notes(client, filed, point_in):
    visitor = client.__class__()  # another browser: not the reporter's session

    for url in public_urls(filed, point_in("anfa")):
        response = visitor.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for value in [*PERSONAL.values(), "Benjelloun", NOTE]:
            assert value not in body, (url, value)
