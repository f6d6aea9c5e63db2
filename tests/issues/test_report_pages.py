"""The citizen's pages over HTTP: report, confirmation, tracking, support, my reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from issues.models import REFERENCE_PATTERN, Complaint
from tests.media import photo_upload, upload

pytestmark = pytest.mark.usefixtures("casablanca")

PERSONAL = {
    "contact_name": "Karima Bennani",
    "contact_email": "karima.bennani@example.org",
    "contact_phone": "+212 6 12 34 56 78",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()


def report_data(point, **overrides) -> dict:
    data = {
        "kind": "complaint",
        "category": "roads-potholes",
        "title": "Nid-de-poule",
        "description": "Un trou profond devant le marché.",
        "lat": f"{point.y:.7f}",
        "lon": f"{point.x:.7f}",
    }
    return data | overrides


def test_anonymous_report_redirects_to_the_confirmation_with_code_handler_and_deadlines(
    client, point_in
):
    response = client.post("/report/", report_data(point_in("ain-chock")), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    reference = re.search(r'data-testid="reference">([^<]+)<', html).group(1)
    assert re.match(REFERENCE_PATTERN, reference)
    assert "Aïn Chock" in html
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.reporter is None
    assert complaint.acknowledge_by.strftime("%Y") in html


def test_report_with_photo_is_saved_with_its_attachment(client, point_in):
    data = report_data(point_in("anfa"), attachments=[photo_upload()])

    response = client.post("/report/", data)

    assert response.status_code == 302
    assert Complaint.objects.get().attachments.count() == 1


def test_signed_in_report_appears_in_my_reports(client, point_in):
    user = get_user_model().objects.create_user(
        "sara@example.org", "sara@example.org", "pw-123456x"
    )
    client.force_login(user)

    client.post("/report/", report_data(point_in("anfa"), title="Lampadaire éteint"))
    response = client.get("/my/reports/")

    assert Complaint.objects.get().reporter == user
    assert "Lampadaire éteint" in response.content.decode()


def test_my_reports_needs_an_account(client):
    response = client.get("/my/reports/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_pin_is_refused_and_the_input_is_kept(client):
    data = report_data(type("P", (), {"x": 0, "y": 0})(), lat="", lon="", title="Mon titre gardé")

    response = client.post("/report/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Placez l’épingle sur la carte" in html or "Placez l'épingle sur la carte" in html
    assert 'value="Mon titre gardé"' in html
    assert not Complaint.objects.exists()


def test_pin_outside_casablanca_is_refused_with_the_routing_message(client):
    data = report_data(type("P", (), {"x": -7.60, "y": 33.70})())

    response = client.post("/report/", data)

    assert response.status_code == 400
    assert "en dehors de la zone de service de Casablanca" in response.content.decode()
    assert not Complaint.objects.exists()


def test_arabic_visitor_gets_the_error_in_arabic(client):
    data = report_data(type("P", (), {"x": -7.60, "y": 33.70})())

    response = client.post("/report/", data, HTTP_ACCEPT_LANGUAGE="ar")

    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "هذا الموقع خارج نطاق خدمة الدار البيضاء." in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "teleportation"}, "Choisissez une des catégories proposées."),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"lat": "NaN"}, "Placez"),
        ({"lat": "95"}, "ne sont pas valides"),
        ({"contact_email": "pas-un-email"}, "Saisissez une adresse e-mail valide."),
        ({"contact_phone": "call me"}, "Saisissez un numéro de téléphone"),
        ({"kind": "petition"}, "Sélectionnez un choix valide."),
    ],
)
def test_each_invalid_field_is_explained_and_nothing_is_saved(client, point_in, overrides, message):
    response = client.post("/report/", report_data(point_in("anfa"), **overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_text_file_disguised_as_photo_is_refused(client, point_in):
    data = report_data(point_in("anfa"), attachments=[upload("x.jpg", b"hello", "image/jpeg")])

    response = client.post("/report/", data)

    assert response.status_code == 400
    assert "Fichier 1" in response.content.decode()
    assert not Complaint.objects.exists()


def test_six_attachments_are_refused(client, point_in):
    data = report_data(point_in("anfa"), attachments=[photo_upload() for _ in range(6)])

    response = client.post("/report/", data)

    assert response.status_code == 400
    assert "5 fichiers au maximum" in response.content.decode()


def test_broken_utf8_is_refused_with_a_message_and_nothing_is_saved(client, point_in):
    point = point_in("anfa")
    body = (
        "kind=complaint&category=roads-potholes&title=Trou%FF%FE&description=ok"
        f"&lat={point.y}&lon={point.x}"
    )

    response = client.post("/report/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert "caractères illisibles" in response.content.decode()
    assert not Complaint.objects.exists()


def test_anonymous_reports_are_rate_limited_per_ip(client, point_in, settings):
    settings.REPORT_RATE_LIMIT = "2/h"
    point = point_in("anfa")

    # The limit counts per clock window: frozen, the three posts cannot straddle two windows.
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        statuses = [client.post("/report/", report_data(point)).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_signed_in_citizens_are_not_rate_limited(client, point_in, settings):
    settings.REPORT_RATE_LIMIT = "1/h"
    client.force_login(
        get_user_model().objects.create_user("a@example.org", "a@example.org", "pw-123456x")
    )

    statuses = [
        client.post("/report/", report_data(point_in("anfa"))).status_code for _ in range(2)
    ]

    assert statuses == [302, 302]


def test_report_without_csrf_token_is_refused_with_a_friendly_page(point_in):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/report/", report_data(point_in("anfa")))

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert not Complaint.objects.exists()


def test_no_personal_data_on_public_pages_or_json(client, point_in):
    client.post("/report/", report_data(point_in("maarif"), **PERSONAL))
    complaint = Complaint.objects.get()
    point = point_in("maarif")

    outputs = [
        client.get(f"/track/{complaint.reference}/").content.decode(),
        client.get(f"/report/{complaint.reference}/sent/").content.decode(),
        client.get("/api/v1/complaints/").content.decode(),
        client.get("/api/v1/map/complaints/").content.decode(),
        client.get(f"/api/v1/complaints/{complaint.reference}/").content.decode(),
        client.get(
            "/api/v1/complaints/nearby/",
            {"lat": point.y, "lon": point.x, "category": "roads-potholes"},
        ).content.decode(),
        client.get("/map/").content.decode(),
    ]
    for output in outputs:
        for value in PERSONAL.values():
            assert value not in output
        assert "karima" not in output.lower()


def test_tracking_page_shows_status_timeline_and_handler(client, point_in):
    client.post("/report/", report_data(point_in("sidi-moumen"), category="waste-collection"))
    complaint = Complaint.objects.get()

    html = client.get(f"/track/{complaint.reference}/").content.decode()

    assert "Déposée" in html
    assert "Averda" in html
    assert complaint.title in html


def test_tracking_lookup_form_finds_a_code_typed_in_lower_case(client, point_in):
    client.post("/report/", report_data(point_in("anfa")))
    reference = Complaint.objects.get().reference

    response = client.get("/track/", {"code": reference.lower()})

    assert response.status_code == 302
    assert response["Location"] == f"/track/{reference}/"


def test_unknown_tracking_code_says_so(client):
    response = client.get("/track/", {"code": "CM-2026-ZZZZZZ"})

    assert "Aucun signalement n’a le code de suivi CM-2026-ZZZZZZ" in response.content.decode()


def test_unknown_complaint_page_is_a_friendly_404(client):
    response = client.get("/track/CM-2026-ZZZZZZ/")

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_support_from_the_same_browser_counts_once(client, report_in):
    reference = report_in("anfa").reference  # someone else's report: one's own takes none
    url = f"/track/{reference}/support/"

    first = client.post(url, HTTP_X_REQUESTED_WITH="fetch", HTTP_ACCEPT="application/json")
    second = client.post(url, HTTP_X_REQUESTED_WITH="fetch", HTTP_ACCEPT="application/json")

    assert first.json()["counted"] is True
    assert second.json()["counted"] is False
    assert second.json()["supports"] == 1


def test_nearby_lists_open_complaints_of_the_category_within_its_radius(client, point_in):
    point = point_in("hay-hassani")
    client.post("/report/", report_data(point))

    near = client.get(
        "/api/v1/complaints/nearby/",
        {"lat": point.y + 0.0002, "lon": point.x, "category": "roads-potholes"},
    ).json()
    far = client.get(
        "/api/v1/complaints/nearby/",
        {"lat": point.y + 0.001, "lon": point.x, "category": "roads-potholes"},
    ).json()
    other_category = client.get(
        "/api/v1/complaints/nearby/",
        {"lat": point.y, "lon": point.x, "category": "noise"},
    ).json()

    assert [item["distance_m"] for item in near] == [22]
    assert far == [] and other_category == []


@pytest.mark.parametrize("path", ["/api/v1/complaints/"])
def test_complaints_geojson_filters_by_category_and_arrondissement(client, point_in, path):
    client.post("/report/", report_data(point_in("anfa")))
    client.post("/report/", report_data(point_in("sbata"), category="noise"))

    everything = client.get(path).json()
    noise = client.get(path, {"category": "noise"}).json()
    anfa = client.get(path, {"arrondissement": "anfa"}).json()

    assert len(everything["features"]) == 2
    assert [f["properties"]["arrondissement"] for f in noise["features"]] == ["sbata"]
    assert [f["properties"]["category"] for f in anfa["features"]] == ["roads-potholes"]


def test_photo_location_endpoint_reads_gps_and_keeps_nothing(client, media_in_tmp):
    response = client.post(
        "/report/photo-location/", {"photo": photo_upload(gps=(33.5731, -7.6298))}
    )

    assert response.json()["found"] is True
    assert response.json()["lat"] == pytest.approx(33.5731, abs=1e-4)
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*.jpg"))


def test_password_reset_sends_an_email(client):
    from django.core import mail

    get_user_model().objects.create_user("l@example.org", "l@example.org", "pw-123456x")

    client.post("/accounts/password/reset/", {"email": "l@example.org"})

    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_timeline_names_the_handler_in_the_readers_language(client, point_in):
    client.post("/report/", report_data(point_in("sidi-moumen")))
    reference = Complaint.objects.get().reference

    french = client.get(f"/track/{reference}/").content.decode()
    arabic = client.get(f"/track/{reference}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert "Transmis à Sidi Moumen." in french
    assert "أحيل إلى مقاطعة سيدي مومن." in arabic
