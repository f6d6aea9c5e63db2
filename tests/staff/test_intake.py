"""Staff intake (issue #25): a report filed by a staff member for a citizen who phoned, came to
the counter, wrote, or sent a WhatsApp message or an e-mail — through the page and the staff API,
by the same service as the web form; routed by place, the channel and the filer recorded, the
citizen's contact stored and never public."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from districts.models import Authority
from issues.models import Attachment, Complaint, Event
from tests.factories import StaffMembershipFactory, UserFactory
from tests.media import jpeg_bytes
from tests.staff.conftest import signed_in

STAFF_CHANNELS = ["phone", "counter", "letter", "whatsapp", "email"]


def token_client(membership) -> Client:
    token, _created = Token.objects.get_or_create(user=membership.user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def intake_data(point, **overrides) -> dict:
    data = {
        "channel": "phone",
        "language": "fr",
        "kind": "complaint",
        "category": "roads-potholes",
        "title": "Nid-de-poule signalé par téléphone",
        "description": "Le citoyen dit qu'un trou profond gêne la circulation.",
        "lat": f"{point.y:.7f}",
        "lon": f"{point.x:.7f}",
        "contact_name": "Fatima Zahra",
        "contact_phone": "06 12 34 56 78",
        "contact_email": "fatima@example.org",
    }
    return data | overrides


def png_upload(name="lettre.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(size=(60, 40), fmt="PNG"), content_type="image/png")


def post_json(client: Client, data: dict):
    return client.post(
        "/api/v1/staff/complaints/", json.dumps(data), content_type="application/json"
    )


@pytest.mark.parametrize("channel", STAFF_CHANNELS)
def test_the_api_files_for_a_citizen_routed_by_place_with_channel_filer_and_contact(
    anfa_agent, point_in, channel
):
    answer = post_json(
        token_client(anfa_agent), intake_data(point_in("maarif"), channel=channel, language="ar")
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    complaint = Complaint.objects.get(reference=body["reference"])
    # Routed to whoever handles the place (Maârif), not to the filer's authority (Anfa).
    assert complaint.authority.slug == "maarif" and body["authority"] == "maarif"
    assert complaint.channel == channel and body["channel"] == channel
    assert complaint.filed_by == anfa_agent.user
    assert complaint.reporter is None
    assert (complaint.contact_name, complaint.contact_phone, complaint.contact_email) == (
        "Fatima Zahra",
        "+212612345678",
        "fatima@example.org",
    )
    assert complaint.language == "ar"
    assert body["private_url"].endswith(f"/track/{complaint.reference}/?key={complaint.owner_key}")
    filed = complaint.events.get(kind=Event.Kind.SUBMITTED)
    assert filed.actor == anfa_agent.user
    assert anfa_agent.user.email in filed.internal_note


def test_the_citizen_gets_the_acknowledgement_by_email(
    anfa_agent, point_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_json(token_client(anfa_agent), intake_data(point_in("anfa")))

    assert answer.status_code == 201
    assert [message.to for message in mail.outbox] == [["fatima@example.org"]]
    assert answer.json()["reference"] in mail.outbox[0].body


def test_a_phone_only_report_is_stored_with_the_number_for_the_sms_acknowledgement(
    anfa_agent, point_in
):
    data = intake_data(point_in("anfa"), contact_email="", contact_phone="+212 522 22 33 44")

    answer = post_json(token_client(anfa_agent), data)

    assert answer.status_code == 201
    complaint = Complaint.objects.get(reference=answer.json()["reference"])
    assert complaint.contact_phone == "+212522223344" and complaint.contact_email == ""


def test_the_citizens_contact_and_the_filer_are_never_public(client, anfa_agent, point_in):
    reference = post_json(token_client(anfa_agent), intake_data(point_in("anfa"))).json()[
        "reference"
    ]

    public = [
        client.get(f"/api/v1/complaints/{reference}/").content.decode(),
        client.get(f"/track/{reference}/").content.decode(),
        client.get("/api/v1/complaints/").content.decode(),
        client.get(f"/open311/v2/requests/{reference}.json").content.decode(),
    ]

    for text in public:
        for private in ("Fatima", "612345678", "fatima@example.org", anfa_agent.user.email):
            assert private not in text


@pytest.mark.parametrize("phone", ["12345", "06 12 34", "+212 6 12", "téléphone", "0" * 30])
def test_an_invalid_phone_is_refused_and_nothing_is_filed(anfa_agent, point_in, phone):
    answer = post_json(token_client(anfa_agent), intake_data(point_in("anfa"), contact_phone=phone))
    page = signed_in(anfa_agent).post(
        "/staff/intake/", intake_data(point_in("anfa"), contact_phone=phone)
    )

    assert answer.status_code == 400
    assert "contact_phone" in answer.json()["fields"]
    assert page.status_code == 400
    assert "06 61 23 45 67" in page.content.decode()  # the example in the message
    assert not Complaint.objects.exists()


def test_a_channel_of_the_online_clients_cannot_be_claimed(anfa_agent, point_in):
    answer = post_json(token_client(anfa_agent), intake_data(point_in("anfa"), channel="web"))

    assert answer.status_code == 400
    assert "channel" in answer.json()["fields"]
    assert not Complaint.objects.exists()


def test_a_bad_attachment_is_refused_on_page_and_api_and_nothing_is_filed(anfa_agent, point_in):
    def junk():
        return SimpleUploadedFile(
            "lettre.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf"
        )

    page = signed_in(anfa_agent).post(
        "/staff/intake/", intake_data(point_in("anfa")) | {"attachments": [junk()]}
    )
    api = token_client(anfa_agent).post(
        "/api/v1/staff/complaints/", intake_data(point_in("anfa")) | {"attachments": [junk()]}
    )

    assert page.status_code == 400 and api.status_code == 400
    assert "attachments" in api.json()["fields"]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_anonymous_visitors_and_citizens_are_refused_on_page_and_api(client, casablanca, point_in):
    citizen_user = UserFactory()
    citizen = Client()
    citizen.force_login(citizen_user)
    citizen_token = Client(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen_user).key}"
    )
    data = intake_data(point_in("anfa"))

    assert client.get("/staff/intake/").status_code == 302  # to sign in
    assert client.post("/staff/intake/", data).status_code == 302
    assert citizen.get("/staff/intake/").status_code == 403
    assert citizen.post("/staff/intake/", data).status_code == 403
    assert post_json(client, data).status_code == 401
    assert post_json(citizen, data).status_code == 403
    assert post_json(citizen_token, data).status_code == 403
    assert not Complaint.objects.exists()


def test_the_page_files_and_shows_the_code_and_private_link_to_the_filer_only(
    anfa_agent, maarif_agent, point_in
):
    desk = signed_in(anfa_agent)
    data = intake_data(point_in("maarif"), channel="letter") | {"attachments": [png_upload()]}

    response = desk.post("/staff/intake/", data)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/intake/{complaint.reference}/"
    assert complaint.channel == "letter" and complaint.authority.slug == "maarif"
    assert complaint.attachments.get().kind == Attachment.Kind.IMAGE
    page = desk.get(response["Location"]).content.decode()
    assert 'data-testid="intake-code">' + complaint.reference in page
    assert f"?key={complaint.owner_key}" in page
    # The handling authority sees it in its queue; the confirmation is the filer's alone.
    assert signed_in(maarif_agent).get(response["Location"]).status_code == 404


def test_the_same_form_sent_twice_files_once(anfa_agent, point_in):
    desk = signed_in(anfa_agent)
    data = intake_data(point_in("anfa"), submission_key="1b4e28ba-2fa1-11d2-883f-0016d3cca427")

    first = desk.post("/staff/intake/", data)
    second = desk.post("/staff/intake/", data)

    assert Complaint.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_the_audit_trail_names_the_filer_to_the_handling_staff(anfa_agent, maarif_agent, point_in):
    reference = post_json(
        token_client(anfa_agent), intake_data(point_in("maarif"), channel="counter")
    ).json()["reference"]

    page = signed_in(maarif_agent).get(f"/staff/complaints/{reference}/").content.decode()
    detail = token_client(maarif_agent).get(f"/api/v1/staff/complaints/{reference}/").json()

    assert f"Déposée par {anfa_agent.user.email} au nom du citoyen (Guichet)" in page
    assert '<dd data-testid="channel">Guichet</dd>' in page
    assert detail["properties"]["channel"] == "counter"
    assert detail["properties"]["contact_phone"] == "+212612345678"
    assert detail["properties"]["timeline"][0]["actor"] == anfa_agent.user.email


def test_the_queue_filters_by_channel(maarif_agent, anfa_agent, point_in, report_in):
    report_in("maarif")
    reference = post_json(token_client(anfa_agent), intake_data(point_in("maarif"))).json()[
        "reference"
    ]
    api = token_client(maarif_agent)

    by_phone = api.get("/api/v1/staff/complaints/", {"channel": "phone"}).json()
    page = signed_in(maarif_agent).get("/staff/", {"channel": "phone"}).content.decode()

    assert [f["properties"]["reference"] for f in by_phone["features"]] == [reference]
    assert api.get("/api/v1/staff/complaints/", {"channel": "pigeon"}).status_code == 400
    assert reference in page


def test_the_staff_export_has_the_channel_column_in_the_readers_language(
    maarif_agent, anfa_agent, point_in, report_in
):
    report_in("maarif")
    post_json(token_client(anfa_agent), intake_data(point_in("maarif"), channel="whatsapp"))
    desk = signed_in(maarif_agent)

    def channels(language: str) -> list[str]:
        response = desk.get(
            "/staff/export.csv", {"status": "submitted"}, HTTP_ACCEPT_LANGUAGE=language
        )
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body)))
        column = rows[0].index({"fr": "Canal", "ar": "القناة"}[language])
        return sorted(row[column] for row in rows[1:])

    assert channels("fr") == ["Formulaire web", "WhatsApp"]
    assert channels("ar") == ["الاستمارة الإلكترونية", "واتساب"]


def test_any_staff_member_may_file_a_supervisor_and_an_operator_too(supervisor, point_in):
    operator = StaffMembershipFactory(
        authority=Authority.objects.filter(kind=Authority.Kind.OPERATOR).order_by("slug").first()
    )

    for membership in (supervisor, operator):
        answer = post_json(token_client(membership), intake_data(point_in("anfa")))
        assert answer.status_code == 201

    assert Complaint.objects.filter(authority__slug="anfa").count() == 2


def test_the_schema_documents_the_intake(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    intake = schema["paths"]["/api/v1/staff/complaints/"]["post"]
    body = intake["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schema["components"]["schemas"][body]["properties"]) >= {
        "channel",
        "language",
        "contact_phone",
        "lat",
        "lon",
        "attachments",
    }
    assert "201" in intake["responses"]


def test_a_caller_with_a_mobile_gets_the_tracking_code_by_sms_from_the_smsc(
    anfa_agent, point_in, django_capture_on_commit_callbacks, settings
):
    """Staff intake → the same owed SMS as a web report → the real SMPP backend → the test SMSC
    (tests/issues/sms/smsc.py): the code the agent read back reaches the caller's phone."""
    from tests.issues.sms.smsc import Smsc

    smsc = Smsc()
    settings.SMS_BACKEND = "issues.sms.backends.smpp.SmsBackend"
    settings.SMPP_HOST, settings.SMPP_PORT = "127.0.0.1", smsc.port
    settings.SMPP_SYSTEM_ID, settings.SMPP_PASSWORD = smsc.system_id, smsc.password
    settings.SMPP_SYSTEM_TYPE, settings.SMPP_BIND, settings.SMPP_TIMEOUT = "", "transceiver", 5
    data = intake_data(point_in("maarif"), contact_email="", contact_phone="0661-23-45-67")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            answer = post_json(token_client(anfa_agent), data)
    finally:
        smsc.stop()

    assert answer.status_code == 201
    complaint = Complaint.objects.get(reference=answer.json()["reference"])
    assert complaint.notify_by == Complaint.NotifyBy.SMS
    [sms] = smsc.accepted
    assert sms.destination == "212661234567"
    assert complaint.reference in sms.text
    assert mail.outbox == []


def test_the_intake_page_reads_the_law_09_08_notice_to_the_caller(anfa_agent, settings):
    settings.PRIVACY_CNDP_DECLARATION = "D-GC-123/2026"
    client = signed_in(anfa_agent)

    page = client.get("/staff/intake/").content.decode()

    assert 'data-testid="intake-script"' in page
    assert 'data-testid="privacy-notice"' in page and "D-GC-123/2026" in page


@pytest.mark.parametrize(
    ("choice", "consent", "expected_choice"),
    [("none", "on", "none"), ("email", "", "email"), ("", "", "both")],
)
def test_the_agent_records_how_the_caller_wants_to_hear_and_their_consent(
    anfa_agent, point_in, choice, consent, expected_choice
):
    data = intake_data(point_in("anfa"), notify_by=choice)
    if consent:
        data["share_contact_with_operator"] = consent

    response = signed_in(anfa_agent).post("/staff/intake/", data)

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    # No choice given: by every means the contact allows (a mobile and an address: both).
    assert complaint.notify_by == expected_choice
    assert complaint.share_contact_with_operator is bool(consent)


def test_sms_cannot_be_chosen_for_a_caller_with_a_landline(anfa_agent, point_in):
    data = intake_data(
        point_in("anfa"), contact_phone="05 22 22 33 44", contact_email="", notify_by="sms"
    )

    response = signed_in(anfa_agent).post("/staff/intake/", data)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="field field--error" id="id_notify_by" data-field="notify_by"' in page
    assert not Complaint.objects.exists()
