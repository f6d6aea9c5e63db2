"""Existing Open311 clients from PyPI drive the live server as an integrator's program would:
georeport (reads, JSON and XML) and civicbot (reads and filing, JSON). Their answers are checked
against the spec's schemas."""

from __future__ import annotations

import pytest
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import CONFIRM_TOKEN, Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport
from jsonschema import validate
from rest_framework_api_key.models import APIKey

from issues.models import Complaint

from . import schemas

pytestmark = pytest.mark.e2e


@pytest.fixture
def endpoint(live_city) -> str:
    return f"{live_city.url}/open311/v2"


@pytest.fixture
def civicbot(endpoint) -> Open311Client:
    return Open311Client(
        Endpoint(id="casa-map", name="Casa Map", base_url=endpoint, write=True),
        transport=HttpTransport(rate_limiter=RateLimiter(min_interval=0)),
        jurisdiction_id="casablanca.ma",
    )


def test_civicbot_files_a_request_checked_against_the_live_services(civicbot, point_in):
    _key, secret = APIKey.objects.create_key(name="civicbot")
    point = point_in("maarif")

    prepared = civicbot.create_request(
        "water-leak",
        dry_run=False,
        confirm=CONFIRM_TOKEN,
        api_key=secret,
        validate_remote=True,
        lat=point.y,
        lng=point.x,
        description="Fuite d'eau sur le trottoir, rue du Marché.",
        email="integrateur@example.org",
    )

    validate(prepared.response, schemas.POSTED_REQUEST)
    reference = prepared.response[0]["service_request_id"]
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.authority.slug == "srm-casablanca-settat"
    assert complaint.contact_email == "integrateur@example.org"
    request = civicbot.get_request(reference)
    validate([request], schemas.SERVICE_REQUESTS)
    assert request["status"] == "open"
    assert "integrateur@example.org" not in str(request)
    listed = civicbot.list_requests(service_code="water-leak", status="open")
    assert [r["service_request_id"] for r in listed] == [reference]


def test_civicbot_refuses_an_unknown_service_from_the_live_list(civicbot, point_in):
    from civicbot.open311 import ValidationError

    point = point_in("anfa")
    with pytest.raises(ValidationError, match="volcano"):
        civicbot.create_request(
            "volcano", validate_remote=True, lat=point.y, lng=point.x, description="Lave."
        )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(endpoint, report_in, fmt):
    complaint = report_in("anfa")
    client = GeoReport(endpoint, jurisdiction="casablanca.ma", output_format=fmt)

    services = client.get_service_list()
    definition = client.get_service_definition("roads-potholes")
    requests = client.get_service_requests(status="open")
    one = client.get_service_request(complaint.reference)

    assert "roads-potholes" in [service["service_code"] for service in services]
    assert definition["service_code"] == "roads-potholes"
    if fmt == "json":
        validate(services, schemas.SERVICES)
        validate(definition, schemas.SERVICE_DEFINITION)
        validate(requests, schemas.SERVICE_REQUESTS)
        assert [r["service_request_id"] for r in requests] == [complaint.reference]
    else:  # xmltodict gives a single element as a dict, and every value as text
        assert requests["service_request_id"] == complaint.reference
        assert services[0]["metadata"] == "false"
    assert one["service_request_id"] == complaint.reference
    assert one["status"] == "open"
    assert one["agency_responsible"] == "Anfa"
