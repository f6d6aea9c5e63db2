"""The Open311 GeoReport v2 server, resource by resource, in JSON (checked against the spec's
schemas) and XML (parsed and read element by element)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from rest_framework_api_key.models import APIKey

from issues.models import Complaint
from issues.services import add_message, transition
from tests.factories import UserFactory
from tests.media import photo_upload, with_public_copies

from . import schemas
from .conftest import children, parse_xml

S = Complaint.Status
PERSONAL = {
    "email": "fatima.zahra@example.org",
    "first_name": "Fatima",
    "last_name": "Zahra",
    "phone": "+212 6 11 22 33 44",
}


def valid(schema: dict, document) -> bool:
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(document)
    return True


def filing(api_key: str, point, **overrides) -> dict:
    return {
        "api_key": api_key,
        "service_code": "roads-potholes",
        "lat": f"{point.y:.7f}",
        "long": f"{point.x:.7f}",
        "description": "Nid-de-poule profond devant l'école primaire.\nDanger pour les vélos.",
    } | overrides


# --- discovery, services, definitions -------------------------------------------------------


def test_discovery_names_the_endpoint_and_both_formats(client, casablanca):
    data = client.get("/open311/v2/discovery.json").json()
    root = parse_xml(client.get("/open311/v2/discovery.xml"))

    assert valid(schemas.DISCOVERY, data)
    assert data["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert root.tag == "discovery"
    formats = [f.text for f in root.find("endpoints/endpoint/formats")]
    assert formats == ["application/json", "text/xml"]


def test_services_list_every_active_category_in_json_and_xml(client, casablanca):
    response = client.get("/open311/v2/services.json")
    root = parse_xml(client.get("/open311/v2/services.xml"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    services = response.json()
    assert valid(schemas.SERVICES, services)
    codes = [service["service_code"] for service in services]
    assert "roads-potholes" in codes and "water-leak" in codes
    assert root.tag == "services"
    first = children(root.find("service"))
    assert list(first) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert (first["metadata"], first["type"]) == ("false", "realtime")
    assert [s.findtext("service_code") for s in root.findall("service")] == codes


def test_service_names_follow_the_callers_language(client, casablanca):
    services = client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="ar").json()

    potholes = next(s for s in services if s["service_code"] == "roads-potholes")
    assert potholes["service_name"] in potholes["description"]
    assert any("\u0600" <= char <= "\u06ff" for char in potholes["service_name"])


def test_a_service_definition_has_no_attributes_yet(client, casablanca):
    data = client.get("/open311/v2/services/roads-potholes.json").json()
    root = parse_xml(client.get("/open311/v2/services/roads-potholes.xml"))

    assert valid(schemas.SERVICE_DEFINITION, data)
    assert data == {"service_code": "roads-potholes", "attributes": []}
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "roads-potholes"
    assert list(root.find("attributes")) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_a_404_error_list(client, casablanca, fmt):
    response = client.get(f"/open311/v2/services/volcano.{fmt}")

    assert response.status_code == 404
    if fmt == "json":
        assert valid(schemas.ERRORS, response.json())
        assert response.json()[0]["code"] == 404
        assert "volcano" in response.json()[0]["description"]
    else:
        root = parse_xml(response)
        assert root.tag == "errors"
        assert children(root.find("error"))["code"] == "404"


def test_a_wrong_jurisdiction_is_refused_and_ours_accepted(client, casablanca):
    wrong = client.get("/open311/v2/services.json", {"jurisdiction_id": "rabat.ma"})
    ours = client.get("/open311/v2/services.json", {"jurisdiction_id": "casablanca.ma"})

    assert wrong.status_code == 404
    assert "rabat.ma" in wrong.json()[0]["description"]
    assert ours.status_code == 200


def test_an_unknown_format_is_a_404(client, casablanca):
    assert client.get("/open311/v2/services.yaml").status_code == 404


# --- POST requests --------------------------------------------------------------------------


def test_a_request_is_filed_routed_and_answered_with_its_id_and_notice(client, api_key, point_in):
    response = client.post(
        "/open311/v2/requests.json",
        filing(api_key, point_in("maarif"), service_code="water-leak", **PERSONAL),
    )

    assert response.status_code == 201
    body = response.json()
    assert valid(schemas.POSTED_REQUEST, body)
    complaint = Complaint.objects.get(reference=body[0]["service_request_id"])
    assert complaint.authority.slug == "srm-casablanca-settat"
    assert complaint.channel == Complaint.Channel.OPEN311
    assert complaint.title == "Nid-de-poule profond devant l'école primaire."
    assert (complaint.contact_name, complaint.contact_email) == ("Fatima Zahra", PERSONAL["email"])
    assert complaint.contact_phone == "+212611223344"  # E.164 (casa_map.inputs.phone_number)
    assert complaint.acknowledge_by.isoformat() in body[0]["service_notice"]
    assert "SRM" in body[0]["service_notice"]
    assert body[0]["account_id"] is None


def test_a_request_filed_in_xml_answers_in_xml(client, api_key, point_in):
    root = parse_xml(client.post("/open311/v2/requests.xml", filing(api_key, point_in("anfa"))))

    assert root.tag == "service_requests"
    request = children(root.find("request"))
    assert list(request) == ["service_request_id", "service_notice", "account_id"]
    assert Complaint.objects.filter(reference=request["service_request_id"]).exists()
    assert request["account_id"] is None


def test_an_address_string_is_found_through_the_geocoder(client, api_key, casablanca):
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": api_key,
            "service_code": "street-lighting",
            "address_string": "Gare Casa-Port",
            "description": "Lampadaire éteint devant la gare.",
        },
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()[0]["service_request_id"])
    assert complaint.arrondissement.slug == "sidi-belyout"


def test_media_url_is_kept_for_staff_and_never_fetched(client, api_key, point_in):
    url = "https://photos.example.org/12345.jpg"

    response = client.post(
        "/open311/v2/requests.json", filing(api_key, point_in("anfa"), media_url=url)
    )

    complaint = Complaint.objects.get(reference=response.json()[0]["service_request_id"])
    assert complaint.reported_media_url == url
    assert not complaint.attachments.exists()


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "nope.nope"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "volcano"}, 404, "volcano"),
        ({"jurisdiction_id": "rabat.ma"}, 404, "rabat.ma"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "nan"}, 400, "lat"),
        ({"lat": "33.70", "long": "-7.45"}, 400, "Casablanca"),
        ({"description": ""}, 400, "description"),
        ({"description": "x" * 4001}, 400, "4"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"phone": "call me"}, 400, "phone"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"attribute[WHISPAWN]": "1"}, 400, "attribute[WHISPAWN]"),
        ({"address_id": "42", "lat": "", "long": ""}, 400, "address_id"),
    ],
)
def test_refused_posts_answer_the_spec_error_list_and_store_nothing(
    client, api_key, point_in, change, status, words
):
    response = client.post("/open311/v2/requests.json", filing(api_key, point_in("anfa")) | change)

    assert response.status_code == status
    assert valid(schemas.ERRORS, response.json())
    assert words in " ".join(error["description"] for error in response.json())
    assert not Complaint.objects.exists()


def test_a_revoked_key_is_refused(client, api_key, point_in):
    call_command("open311_key", "revoke", "Test integrator")

    response = client.post("/open311/v2/requests.xml", filing(api_key, point_in("anfa")))

    assert response.status_code == 403
    assert parse_xml(response).find("error/code").text == "403"


def test_filing_is_throttled_per_key_with_retry_after(client, api_key, point_in, settings):
    settings.API_WRITE_RATES = settings.API_WRITE_RATES | {"open311_key": "2/hour"}

    with time_machine.travel(date(2026, 3, 2), tick=False):
        statuses = [
            client.post("/open311/v2/requests.json", filing(api_key, point_in("anfa"))).status_code
            for _ in range(3)
        ]
        refused = client.post("/open311/v2/requests.json", filing(api_key, point_in("anfa")))

    assert statuses == [201, 201, 429]
    assert int(refused["Retry-After"]) > 0
    assert valid(schemas.ERRORS, refused.json())
    assert Complaint.objects.count() == 2


# --- GET requests ---------------------------------------------------------------------------


def test_a_request_reads_back_with_status_notes_agency_and_photo(client, report_in):
    complaint = report_in("anfa", attachments=[], contact_email=PERSONAL["email"])
    transition(
        complaint=complaint,
        to_status=S.ACKNOWLEDGED,
        actor=UserFactory(),
        public_message="Équipe prévue jeudi.",
        internal_note="Note interne.",
    )

    data = client.get(f"/open311/v2/requests/{complaint.reference}.json").json()
    root = parse_xml(client.get(f"/open311/v2/requests/{complaint.reference}.xml"))

    assert valid(schemas.SERVICE_REQUESTS, data)
    request = data[0]
    assert request["status"] == "open"
    assert request["status_notes"] == "Équipe prévue jeudi."
    assert request["agency_responsible"] == complaint.authority.name == "Anfa"
    assert request["requested_datetime"].endswith(("+01:00", "+00:00"))
    assert request["media_url"] is None
    xml_request = children(root.find("request"))
    assert list(xml_request) == list(request)
    assert xml_request["status_notes"] == "Équipe prévue jeudi."
    assert xml_request["address_id"] is None
    assert float(xml_request["lat"]) == request["lat"]


def test_media_url_is_the_cleaned_public_photo(client, casablanca, point_in):
    response = client.post(
        "/api/v1/complaints/",
        {
            "category": "roads-potholes",
            "title": "Trou",
            "description": "Trou profond.",
            "lat": point_in("anfa").y,
            "lon": point_in("anfa").x,
            "attachments": [photo_upload(gps=(33.58, -7.63))],
        },
    )
    reference = response.json()["reference"]
    with_public_copies(Complaint.objects.get(reference=reference))

    request = client.get(f"/open311/v2/requests/{reference}.json").json()[0]

    photo = Complaint.objects.get(reference=reference).attachments.get()
    assert request["media_url"] == f"http://testserver/media/{photo.public_file.name}"


def test_a_closed_complaint_reads_closed(client, report_in):
    complaint = report_in("anfa")
    transition(
        complaint=complaint, to_status=S.REJECTED, actor=UserFactory(), public_message="Non."
    )

    request = client.get(f"/open311/v2/requests/{complaint.reference}.json").json()[0]

    assert (request["status"], request["status_notes"], request["expected_datetime"]) == (
        "closed",
        "Non.",
        None,
    )


def test_an_unknown_request_is_a_404(client, casablanca):
    response = client.get("/open311/v2/requests/CM-2026-AAAAAA.json")

    assert response.status_code == 404
    assert valid(schemas.ERRORS, response.json())


def test_list_defaults_to_the_last_90_days_newest_first(client, report_in):
    with time_machine.travel(date(2025, 12, 1), tick=False):
        old = report_in("anfa")
    with time_machine.travel(date(2026, 3, 1), tick=False):
        middle = report_in("anfa")
    with time_machine.travel(date(2026, 3, 20), tick=False):
        newest = report_in("maarif")
        ids = [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()]

    assert ids == [newest.reference, middle.reference]
    assert old.reference not in ids


def test_list_filters_by_ids_codes_status_dates_and_distance(client, report_in, point_in):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        pothole = report_in("anfa")
        noise = report_in("anfa", "noise")
        far = report_in("sidi-moumen")
    transition(complaint=noise, to_status=S.REJECTED, actor=UserFactory(), public_message="Non.")
    anfa = point_in("anfa")

    def ids(**params):
        with time_machine.travel(date(2026, 3, 10), tick=False):
            answer = client.get("/open311/v2/requests.json", params).json()
        return sorted(request["service_request_id"] for request in answer)

    assert ids(service_request_id=f"{pothole.reference},{far.reference}") == sorted(
        [pothole.reference, far.reference]
    )
    assert ids(service_code="noise") == [noise.reference]
    assert ids(status="closed") == [noise.reference]
    assert ids(status="open,closed") == sorted([pothole.reference, noise.reference, far.reference])
    assert ids(lat=anfa.y, long=anfa.x, radius=200) == sorted([pothole.reference, noise.reference])
    assert ids(start_date="2026-03-02T00:00:00Z") == []
    assert ids(start_date="2026-02-28T00:00:00+01:00", end_date="2026-03-01T23:59:59+01:00") == (
        sorted([pothole.reference, noise.reference, far.reference])
    )


def test_list_pages_with_page_and_page_size(client, report_in):
    for _ in range(3):
        report_in("anfa")

    first = client.get("/open311/v2/requests.json", {"page_size": 2}).json()
    second = client.get("/open311/v2/requests.json", {"page_size": 2, "page": 2}).json()

    assert len(first) == 2 and len(second) == 1
    seen = {r["service_request_id"] for r in first + second}
    assert len(seen) == 3


@pytest.mark.parametrize(
    "params, words",
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"status": "pending"}, "pending"),
        ({"service_code": "volcano"}, "volcano"),
        ({"lat": "33.5"}, "lat"),
        ({"lat": "33.5", "long": "-7.6", "radius": "-1"}, "radius"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "many"}, "page"),
    ],
)
def test_a_bad_query_is_a_400_error_list(client, casablanca, params, words):
    response = client.get("/open311/v2/requests.json", params)

    assert response.status_code == 400
    assert valid(schemas.ERRORS, response.json())
    assert words in response.json()[0]["description"]


def test_tokens_are_never_issued_so_none_is_found(client, casablanca):
    response = client.get("/open311/v2/tokens/123456.xml")

    assert response.status_code == 404
    assert parse_xml(response).find("error/description").text.startswith("token 123456")


def test_no_personal_data_in_any_open311_answer(client, api_key, point_in):
    posted = client.post(
        "/open311/v2/requests.json", filing(api_key, point_in("anfa"), **PERSONAL)
    ).json()
    reference = posted[0]["service_request_id"]
    complaint = Complaint.objects.get(reference=reference)
    add_message(complaint=complaint, actor=UserFactory(), internal_note="Appeler Fatima.")

    answers = [
        client.get(f"/open311/v2/requests/{reference}.{fmt}").content.decode()
        for fmt in ("json", "xml")
    ] + [client.get(f"/open311/v2/requests.{fmt}").content.decode() for fmt in ("json", "xml")]

    for answer in answers:
        assert reference in answer
        for value in [*PERSONAL.values(), "Appeler Fatima"]:
            assert value not in answer


# --- keys -----------------------------------------------------------------------------------


def test_the_key_command_creates_lists_and_revokes(casablanca, capsys):
    call_command("open311_key", "create", "Appli Mobile")
    secret = capsys.readouterr().out.strip()

    assert APIKey.objects.is_valid(secret)
    with pytest.raises(CommandError, match="already has an active key"):
        call_command("open311_key", "create", "Appli Mobile")
    call_command("open311_key", "list")
    assert "Appli Mobile" in capsys.readouterr().out
    call_command("open311_key", "revoke", "Appli Mobile")
    assert not APIKey.objects.is_valid(secret)
    with pytest.raises(CommandError, match="No active key"):
        call_command("open311_key", "revoke", "Appli Mobile")


def test_w3c_datetimes_carry_the_casablanca_offset(client, report_in):
    moment = timezone.make_aware(datetime(2026, 3, 5, 10, 15))
    with time_machine.travel(moment, tick=False):
        complaint = report_in("anfa")

    request = client.get(f"/open311/v2/requests/{complaint.reference}.json").json()[0]

    assert request["requested_datetime"] == timezone.localtime(moment).isoformat(timespec="seconds")


def test_errors_follow_the_callers_language(client, casablanca):
    response = client.get("/open311/v2/services/volcano.json", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.json()[0]["description"] == "service_code volcano غير موجود."
