"""Law 09-08, the citizen's rights: access (everything held about them as a JSON file, nothing
of anyone else), rectification of their contact details, and deleting their account (reports
stay without contact details, alerts go)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from alerts.models import Alert
from issues.models import Complaint, Flag, Support
from issues.services import add_citizen_update
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_with_everything(report_in):
    """`citizen_with_everything(name)`: an account with a report (contact details), an update,
    an alert, a support and a flag on another report; returns (user, its report, the other)."""

    def _make(name: str):
        user = UserFactory(username=f"{name}@example.ma")
        own = report_in(
            "anfa",
            reporter=user,
            title=f"Trou de {name}",
            contact_name=f"{name.title()} Alami",
            contact_email=f"{name}.contact@example.ma",
            contact_phone="0661234567" if name == "amal" else "0677889900",
        )
        other = report_in("maarif", title=f"Lampadaire vu par {name}")
        add_citizen_update(
            complaint=other, claim="still_there", text=f"Toujours là, {name}", author=user
        )
        Alert.objects.create(kind="report", email=user.email, user=user, complaint=other)
        Support.objects.create(complaint=other, user=user, device_key=f"device-{name}")
        Flag.objects.create(complaint=other, user=user, reason="spam", device_key=f"dev-{name}")
        return user, own, other

    return _make


def download(user) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get("/my/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_download_lists_everything_of_the_user_and_nothing_of_another(
    citizen_with_everything,
):
    amal, amal_report, amal_seen = citizen_with_everything("amal")
    _bilal, bilal_report, bilal_seen = citizen_with_everything("bilal")

    data = download(amal)

    assert data["account"]["email"] == "amal@example.ma"
    assert [report["reference"] for report in data["reports"]] == [amal_report.reference]
    assert data["reports"][0]["contact"] == {
        "name": "Amal Alami",
        "email": "amal.contact@example.ma",
        "phone": "0661234567",
    }
    assert data["contacts"] == [
        {"name": "Amal Alami", "email": "amal.contact@example.ma", "phone": "0661234567"}
    ]
    assert [(u["report"], u["text"]) for u in data["updates"]] == [
        (amal_seen.reference, "Toujours là, amal")
    ]
    assert [a["report"] for a in data["alerts"]] == [amal_seen.reference]
    assert [s["report"] for s in data["supports"]] == [amal_seen.reference]
    assert [(f["report"], f["reason"]) for f in data["flags"]] == [(amal_seen.reference, "spam")]
    text = json.dumps(data, ensure_ascii=False)
    for foreign in ("bilal", "Bilal", "0677889900", bilal_report.reference, bilal_seen.reference):
        assert foreign not in text


def test_the_download_needs_a_signed_in_account(client, casablanca):
    response = client.get("/my/data/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_anonymous_reporter_downloads_their_report_through_the_private_link(report_in):
    complaint = report_in("anfa", contact_email="anonyme@example.ma", contact_phone="0522334455")
    other = report_in("anfa", contact_email="voisin@example.ma")
    visitor = Client()

    visitor.get(f"/track/{complaint.reference}/", {"key": complaint.owner_key})
    response = visitor.get(f"/track/{complaint.reference}/data/")

    assert response.status_code == 200
    data = json.loads(response.content)
    assert [r["reference"] for r in data["reports"]] == [complaint.reference]
    assert data["reports"][0]["contact"]["email"] == "anonyme@example.ma"
    assert "voisin@example.ma" not in response.content.decode()
    assert visitor.get(f"/track/{other.reference}/data/").status_code == 404


def test_without_the_private_link_no_one_downloads_a_report(report_in):
    complaint = report_in("anfa", contact_email="anonyme@example.ma")
    other = report_in("anfa")
    stranger = Client()
    stranger.force_login(UserFactory(username="curieux@example.ma"))

    assert Client().get(f"/track/{complaint.reference}/data/").status_code == 404
    assert (
        Client().get(f"/track/{complaint.reference}/data/", {"key": other.owner_key}).status_code
        == 404
    )
    assert stranger.get(f"/track/{complaint.reference}/data/").status_code == 404


def test_the_key_in_the_link_itself_also_opens_the_download(report_in):
    complaint = report_in("anfa", contact_email="anonyme@example.ma")

    response = Client().get(f"/track/{complaint.reference}/data/", {"key": complaint.owner_key})

    assert response.status_code == 200


def test_a_citizen_corrects_the_contact_details_of_their_reports(citizen_with_everything):
    amal, amal_report, _seen = citizen_with_everything("amal")
    _bilal, bilal_report, _other = citizen_with_everything("bilal")
    client = Client()
    client.force_login(amal)

    response = client.post(
        "/my/account/",
        {
            "contact_name": "Amal B.",
            "contact_email": "amal.nouveau@example.ma",
            "contact_phone": "0600112233",
        },
        follow=True,
    )

    assert "Coordonnées rectifiées sur 1 signalement." in response.content.decode()
    amal_report.refresh_from_db()
    bilal_report.refresh_from_db()
    assert (amal_report.contact_email, amal_report.contact_phone) == (
        "amal.nouveau@example.ma",
        "+212600112233",  # read by casa_map.inputs.phone_number, as at filing
    )
    assert bilal_report.contact_email == "bilal.contact@example.ma"


def test_a_bad_phone_number_is_refused_as_on_the_report_form(citizen_with_everything):
    amal, amal_report, _seen = citizen_with_everything("amal")
    client = Client()
    client.force_login(amal)

    response = client.post("/my/account/", {"contact_phone": "appelez-moi"})

    assert "Saisissez un numéro de téléphone" in response.content.decode()
    amal_report.refresh_from_db()
    assert amal_report.contact_phone == "0661234567"


def test_deleting_needs_the_confirmation_step(citizen_with_everything):
    amal, _report, _seen = citizen_with_everything("amal")
    client = Client()
    client.force_login(amal)

    page = client.get("/my/account/delete/")
    refused = client.post("/my/account/delete/", {})

    assert page.status_code == 200
    assert "Cochez la case pour confirmer." in refused.content.decode()
    assert type(amal).objects.filter(pk=amal.pk).exists()


def test_deleting_the_account_keeps_reports_without_contact_and_deletes_alerts(
    citizen_with_everything,
):
    amal, amal_report, amal_seen = citizen_with_everything("amal")
    bilal, bilal_report, _other = citizen_with_everything("bilal")
    Alert.objects.create(kind="report", email="AMAL@example.ma", complaint=bilal_report)
    client = Client()
    client.force_login(amal)

    response = client.post("/my/account/delete/", {"confirm": "on"}, follow=True)

    assert "Votre compte est supprimé." in response.content.decode()
    assert not type(amal).objects.filter(pk=amal.pk).exists()
    report = Complaint.objects.get(pk=amal_report.pk)
    assert (report.reporter_id, report.contact_name, report.contact_email) == (None, "", "")
    assert report.contact_phone == ""
    assert not Alert.objects.filter(email__iexact="amal@example.ma").exists()
    assert Alert.objects.filter(user=bilal).count() == 1
    assert Complaint.objects.get(pk=bilal_report.pk).contact_email == "bilal.contact@example.ma"
    assert Support.objects.filter(complaint=amal_seen, user=None).count() == 1
    assert client.get("/my/data/").status_code == 302  # signed out


def test_a_staff_account_is_not_deleted_from_the_citizens_page(casablanca):
    membership = StaffMembershipFactory(authority=None, role="supervisor")
    client = Client()
    client.force_login(membership.user)

    client.post("/my/account/delete/", {"confirm": "on"})

    assert type(membership.user).objects.filter(pk=membership.user.pk).exists()


def test_erasing_the_phone_of_a_report_texted_by_sms_stops_the_sms(report_in):
    """Rectification without a phone, and account deletion, leave no report that says "SMS"
    without a number (the complaint_sms_needs_phone constraint would refuse the change)."""
    user = UserFactory(email="salma@example.ma")
    by_sms = report_in("anfa", reporter=user, contact_phone="+212661234567")
    assert by_sms.notify_by == Complaint.NotifyBy.BOTH  # the account's address and a mobile
    client = Client()
    client.force_login(user)

    client.post(
        "/my/account/",
        {"contact_name": "Salma", "contact_email": "salma@example.ma", "contact_phone": ""},
    )
    by_sms.refresh_from_db()
    assert (by_sms.contact_phone, by_sms.notify_by) == ("", Complaint.NotifyBy.EMAIL)

    Complaint.objects.filter(pk=by_sms.pk).update(
        contact_phone="+212661234567", notify_by=Complaint.NotifyBy.SMS
    )
    client.post("/my/account/delete/", {"confirm": "on"})
    by_sms.refresh_from_db()
    assert (by_sms.reporter, by_sms.contact_phone, by_sms.notify_by) == (
        None,
        "",
        Complaint.NotifyBy.NONE,
    )
