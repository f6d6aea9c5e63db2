"""Phone numbers are read once (casa_map.inputs.phone_number) for the web form, the REST API and
Open311: the usual Moroccan writings stored in E.164, invalid ones refused with the same words;
the choice of messages taken on each surface (a mobile through Open311 gets SMS by default)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from casa_map import inputs
from issues.models import Complaint, OwedSms
from tests.issues.test_report_pages import report_data
from tests.open311.test_server import filing as open311_filing

pytestmark = pytest.mark.usefixtures("casablanca")

REFUSAL = "Saisissez un numéro de téléphone valide, par exemple 06 61 23 45 67"


@pytest.mark.parametrize(
    "written",
    ["0661-23-45-67", "06 61 23 45 67", "+212 6 61 23 45 67", "00212661234567", "0661234567"],
)
def test_the_usual_writings_of_a_moroccan_mobile_are_one_number(written):
    assert inputs.phone_number(written) == "+212661234567"
    assert inputs.can_receive_sms(inputs.phone_number(written))


@pytest.mark.parametrize("written", ["0661", "12345", "06 61 23 45 67 89", "téléphone", "+212 5"])
def test_what_is_not_a_phone_number_is_refused(written):
    with pytest.raises(ValidationError) as refused:
        inputs.phone_number(written)

    assert refused.value.messages[0].startswith(REFUSAL)


@pytest.mark.parametrize("number", ["0522123456", "+33612345678"])
def test_landlines_and_foreign_numbers_are_kept_but_cannot_be_texted(number):
    assert inputs.phone_number(number)
    assert not inputs.can_receive_sms(inputs.phone_number(number))


def test_the_web_form_refuses_an_invalid_phone_and_stores_nothing(client, point_in):
    response = client.post("/report/", report_data(point_in("anfa"), contact_phone="06 61 23"))

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_web_form_stores_the_number_in_e164_and_the_choice(client, point_in):
    response = client.post(
        "/report/",
        report_data(point_in("anfa"), contact_phone="0661-23-45-67", notify_by="sms"),
        follow=True,
    )

    complaint = Complaint.objects.get()
    assert (complaint.contact_phone, complaint.notify_by) == ("+212661234567", "sms")
    assert OwedSms.objects.filter(key=f"submitted:{complaint.pk}").exists()
    assert 'data-testid="updates-by-sms"' in response.content.decode()


def test_the_web_form_explains_that_a_landline_cannot_get_sms(client, point_in):
    response = client.post(
        "/report/",
        report_data(point_in("anfa"), contact_phone="0522 12 34 56", notify_by="sms"),
    )

    assert response.status_code == 400
    assert "numéro mobile marocain" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_landline_without_a_choice_is_filed_and_the_confirmation_says_no_sms(client, point_in):
    response = client.post(
        "/report/", report_data(point_in("anfa"), contact_phone="0522 12 34 56"), follow=True
    )

    assert response.status_code == 200
    assert 'data-testid="no-sms"' in response.content.decode()
    assert Complaint.objects.get().notify_by == "none"


def test_the_api_refuses_an_invalid_phone(client, point_in):
    point = point_in("anfa")
    response = client.post(
        "/api/v1/complaints/",
        {"category": "roads-potholes", "title": "Trou", "description": "Profond.",
         "lat": point.y, "lon": point.x, "contact_phone": "0661"},
        content_type="application/json",
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["fields"]["contact_phone"][0].startswith(REFUSAL)
    assert not Complaint.objects.exists()


def test_the_api_takes_the_choice_and_refuses_sms_to_a_landline(client, point_in):
    point = point_in("anfa")
    body = {"category": "roads-potholes", "title": "Trou", "description": "Profond.",
            "lat": point.y, "lon": point.x, "contact_phone": "+212 5 22 12 34 56",
            "notify_by": "sms"}  # fmt: skip

    refused = client.post("/api/v1/complaints/", body, content_type="application/json")
    filed = client.post(
        "/api/v1/complaints/", body | {"notify_by": "none"}, content_type="application/json"
    )

    assert refused.status_code == 400 and "notify_by" in refused.json()["fields"]
    assert filed.status_code == 201
    assert Complaint.objects.get().notify_by == "none"


def test_open311_refuses_an_invalid_phone(client, open311_key, point_in):
    response = client.post(
        "/open311/v2/requests.json", open311_filing(open311_key, point_in("anfa"), phone="+212 5")
    )

    assert response.status_code == 400
    [error] = response.json()
    assert error["description"].startswith(f"phone: {REFUSAL}")
    assert not Complaint.objects.exists()


def test_open311_texts_a_mobile_unless_the_client_says_otherwise(client, open311_key, point_in):
    texted = client.post(
        "/open311/v2/requests.json",
        open311_filing(open311_key, point_in("anfa"), phone="0661234567"),
    )
    written = client.post(
        "/open311/v2/requests.json",
        open311_filing(
            open311_key,
            point_in("maarif"),
            phone="0661234567",
            email="a@example.org",
            notify_by="email",
        ),
    )

    assert texted.status_code == written.status_code == 201
    by_reference = dict(Complaint.objects.values_list("reference", "notify_by"))
    assert by_reference[texted.json()[0]["service_request_id"]] == "sms"
    assert by_reference[written.json()[0]["service_request_id"]] == "email"
