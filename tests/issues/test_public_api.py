"""The public complaints API: list (GeoJSON, pages, filters), detail, filing and support."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.models import Complaint
from issues.services import add_message, transition
from tests.factories import UserFactory
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.usefixtures("casablanca")

S = Complaint.Status
PERSONAL = {
    "contact_name": "Youssef Alaoui",
    "contact_email": "youssef.alaoui@example.org",
    "contact_phone": "+212 6 98 76 54 32",
}


def filing(point, **overrides) -> dict:
    return {
        "category": "roads-potholes",
        "title": "Nid-de-poule",
        "description": "Un trou profond devant l'école.",
        "lat": point.y,
        "lon": point.x,
    } | overrides


def moved(point: Point, *, east_m: float = 0, north_m: float = 0) -> Point:
    return Point(point.x + east_m / 92_800, point.y + north_m / 111_320, srid=4326)


def references(response) -> list[str]:
    return [feature["properties"]["reference"] for feature in response.json()["features"]]


def test_the_list_is_a_paginated_geojson_feature_collection(client, report_in):
    filed = [report_in("anfa") for _ in range(3)]

    first = client.get("/api/v1/complaints/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["type"] == "FeatureCollection"
    assert first["count"] == 3
    assert first["features"][0]["geometry"]["type"] == "Point"
    assert second["next"] is None
    seen = [f["properties"]["reference"] for f in first["features"] + second["features"]]
    assert sorted(seen) == sorted(complaint.reference for complaint in filed)


def test_the_list_orders_newest_first_and_by_supports_on_request(client, report_in):
    with time_machine.travel(date(2026, 3, 1), tick=False):
        older = report_in("anfa")
    with time_machine.travel(date(2026, 3, 2), tick=False):
        newer = report_in("anfa")
    Complaint.objects.filter(pk=older.pk).update(support_count=5)

    assert references(client.get("/api/v1/complaints/")) == [newer.reference, older.reference]
    by_supports = client.get("/api/v1/complaints/", {"ordering": "-support_count"})
    assert references(by_supports) == [older.reference, newer.reference]


def test_an_unknown_ordering_is_refused_with_the_accepted_fields(client, casablanca):
    body = client.get("/api/v1/complaints/", {"ordering": "reporter"}).json()

    assert body["code"] == "invalid_parameter"
    assert body["parameter"] == "ordering"
    assert "-created_at" in body["accepted"] and "support_count" in body["accepted"]


def test_filters_by_status_kind_authority_and_received_dates(client, report_in):
    with time_machine.travel(date(2026, 2, 1), tick=False):
        february = report_in("anfa", kind=Complaint.Kind.SUGGESTION)
    with time_machine.travel(date(2026, 3, 1), tick=False):
        march = report_in("maarif", "water-leak")
    transition(complaint=march, to_status=S.REJECTED, actor=UserFactory(), public_message="Non.")

    def refs(**params):
        return references(client.get("/api/v1/complaints/", params))

    assert refs(status="open") == [february.reference]
    assert refs(status="closed") == [march.reference]
    assert refs(status="rejected") == [march.reference]
    assert refs(kind="suggestion") == [february.reference]
    assert refs(authority="srm-casablanca-settat") == [march.reference]
    assert refs(received_after="2026-02-15") == [march.reference]
    assert refs(received_before="2026-02-01") == [february.reference]


def test_in_bbox_keeps_the_complaints_inside_the_box(client, report_in, point_in):
    inside = report_in("anfa")
    report_in("sidi-moumen")
    anfa = point_in("anfa")
    box = f"{anfa.x - 0.001},{anfa.y - 0.001},{anfa.x + 0.001},{anfa.y + 0.001}"

    assert references(client.get("/api/v1/complaints/", {"in_bbox": box})) == [inside.reference]


def test_distance_to_a_point_is_measured_in_metres(client, report_in, point_in):
    centre = point_in("maarif")
    near = report_in("maarif", location=moved(centre, east_m=40))
    report_in("maarif", location=moved(centre, north_m=120))

    params = {"point": f"{centre.x},{centre.y}", "dist": 60}
    assert references(client.get("/api/v1/complaints/", params)) == [near.reference]
    params["dist"] = 150
    assert len(references(client.get("/api/v1/complaints/", params))) == 2


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"in_bbox": "1,2,3"}, "in_bbox"),
        ({"in_bbox": "nan,33,-7,34"}, "in_bbox"),
        ({"point": "-7.6"}, "point"),
        ({"point": "-7.6,33.5", "dist": "-5"}, "dist"),
        ({"point": "-7.6,33.5", "dist": "1e308"}, "dist"),
        ({"received_after": "yesterday"}, "received_after"),
        ({"kind": "rumour"}, "kind"),
        ({"authority": "lydec"}, "authority"),
    ],
)
def test_bad_filters_are_refused_naming_the_parameter(client, casablanca, params, parameter):
    response = client.get("/api/v1/complaints/", params)

    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_detail_shows_the_public_timeline_and_cleaned_photos_only(client, point_in):
    response = client.post(
        "/api/v1/complaints/",
        filing(point_in("anfa"), attachments=[photo_upload()], **PERSONAL),
    )
    reference = response.json()["reference"]
    complaint = with_public_copies(Complaint.objects.get(reference=reference))
    add_message(
        complaint=complaint,
        actor=UserFactory(),
        public_message="Équipe prévue lundi.",
        internal_note="Voir avec le chef de secteur.",
    )

    detail = client.get(f"/api/v1/complaints/{reference.lower()}/").json()

    properties = detail["properties"]
    assert properties["reference"] == reference
    assert [event["public_message"] for event in properties["timeline"]][-1] == (
        "Équipe prévue lundi."
    )
    assert "chef de secteur" not in json.dumps(detail)
    photo = properties["attachments"][0]
    assert photo["url"].startswith("http://testserver/media/attachments/")
    assert photo["thumbnail_url"].startswith("http://testserver/media/attachments/")
    for value in PERSONAL.values():
        assert value not in json.dumps(detail, ensure_ascii=False)


def test_detail_of_an_unknown_code_is_a_404_in_the_callers_language(client, casablanca):
    response = client.get("/api/v1/complaints/CM-2026-AAAAAA/", HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "رمز" in response.json()["error"]


def test_a_report_filed_as_json_is_routed_and_answered_with_its_code(client, point_in):
    response = client.post(
        "/api/v1/complaints/",
        json.dumps(filing(point_in("maarif"), category="water-leak")),
        content_type="application/json",
    )

    assert response.status_code == 201
    body = response.json()
    complaint = Complaint.objects.get(reference=body["reference"])
    assert body["authority"] == "srm-casablanca-settat" == complaint.authority.slug
    assert body["tracking_url"] == f"http://testserver/track/{complaint.reference}/"
    assert response["Location"] == body["tracking_url"]
    assert body["acknowledge_by"] == complaint.acknowledge_by.isoformat()
    assert complaint.events.get().kind == "submitted"


def test_a_multipart_report_keeps_its_photos_cleaned(client, point_in):
    photos = [photo_upload(gps=(33.58, -7.63)), photo_upload()]

    response = client.post("/api/v1/complaints/", filing(point_in("anfa"), attachments=photos))

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert complaint.attachments.count() == 2


def test_a_signed_in_citizen_files_under_their_account(client, point_in):
    citizen = UserFactory()
    client.force_login(citizen)

    response = client.post("/api/v1/complaints/", filing(point_in("anfa")))

    assert Complaint.objects.get(reference=response.json()["reference"]).reporter == citizen


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": ""}, "title"),
        ({"category": "volcano"}, "category"),
        ({"lat": "north"}, "lat"),
        ({"attachments": [photo_upload(name="x.jpg", fmt="GIF")]}, "attachments"),
    ],
)
def test_a_refused_report_names_its_fields_and_stores_nothing(client, point_in, overrides, field):
    response = client.post("/api/v1/complaints/", filing(point_in("anfa"), **overrides))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not Complaint.objects.exists()


def test_a_report_outside_the_city_is_refused(client, casablanca):
    response = client.post("/api/v1/complaints/", filing(Point(-7.45, 33.70, srid=4326)))

    assert response.status_code == 400
    assert response.json()["code"] == "outside_service_area"
    assert not Complaint.objects.exists()


def test_malformed_json_is_refused_with_the_error_shape(client, casablanca):
    response = client.post("/api/v1/complaints/", '{"title": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_anonymous_filing_is_throttled_per_ip_with_retry_after(client, point_in, settings):
    settings.API_WRITE_RATES = {"anonymous": "2/hour", "authenticated": "1000/hour"}

    with time_machine.travel(date(2026, 3, 2), tick=False):
        statuses = [
            client.post("/api/v1/complaints/", filing(point_in("anfa"))).status_code
            for _ in range(3)
        ]
        refused = client.post("/api/v1/complaints/", filing(point_in("anfa")))

    assert statuses == [201, 201, 429]
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert Complaint.objects.count() == 2


def test_support_counts_once_per_client_whatever_device_id_it_claims(client, report_in):
    complaint = report_in("anfa")
    url = f"/api/v1/complaints/{complaint.reference}/support/"

    first = client.post(url, {"device_id": "phone-1"}).json()
    again = client.post(url, {"device_id": "phone-2"}).json()
    bare = client.post(url).json()
    other = client.post(url, REMOTE_ADDR="203.0.113.9").json()

    assert (first, again, bare, other) == (
        {"counted": True, "supports": 1},
        {"counted": False, "supports": 1},
        {"counted": False, "supports": 1},
        {"counted": True, "supports": 2},
    )


def test_support_is_refused_on_a_closed_report(client, report_in):
    complaint = report_in("anfa")
    url = f"/api/v1/complaints/{complaint.reference}/support/"
    transition(
        complaint=complaint, to_status=S.REJECTED, actor=UserFactory(), public_message="Non."
    )
    assert client.post(url, {"device_id": "phone-1"}).status_code == 409


def test_categories_authorities_and_service_areas(client, casablanca):
    categories = client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="ar").json()
    authorities = client.get("/api/v1/authorities/").json()
    areas = client.get("/api/v1/service-areas/").json()

    potholes = next(c for c in categories if c["code"] == "roads-potholes")
    assert potholes["name"] == potholes["name_ar"]
    assert (potholes["acknowledge_days"], potholes["answer_days"]) == (15, 60)
    assert {"anfa", "srm-casablanca-settat", "averda"} <= {a["slug"] for a in authorities}
    assert areas["type"] == "FeatureCollection"
    srm = next(
        f for f in areas["features"] if f["properties"]["authority"] == "srm-casablanca-settat"
    )
    assert "water-leak" in srm["properties"]["categories"]
    assert srm["geometry"]["type"] == "MultiPolygon"


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.post("/api/v1/complaints/", "[null, null]", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Complaint.objects.exists()


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "open"}, {"status": "closed"}, {"status": "rejected"}, {"authority": "anfa"}],
)
def test_counts_taken_from_the_tallies_equal_the_rows(client, report_in, params):
    report_in("anfa")
    report_in("anfa", "water-leak")
    rejected = report_in("maarif")
    transition(complaint=rejected, to_status=S.REJECTED, actor=UserFactory(), public_message="Non.")

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/complaints/", params | {"page_size": 1}).json()

    rows = client.get("/api/v1/complaints/", params | {"page_size": 500}).json()["features"]
    assert body["count"] == len(rows)
    on_complaints = [q["sql"] for q in queries if 'FROM "issues_complaint"' in q["sql"]]
    # Summed from the tallies: complaints are only read for the page itself.
    assert [sql for sql in on_complaints if "COUNT(" in sql.upper() or "LIMIT" not in sql] == []
