"""Moderation: hidden reports and photos are on no public surface (every one is scanned),
redacted text replaces the original in public while staff keep it, pre-moderation keeps new
reports private until published, citizens' flags reach a scoped queue, and only moderators and
managers decide, each decision recorded with its reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework_api_key.models import APIKey

from alerts.models import Alert
from alerts.services import send_alerts
from districts.models import Authority, Category
from issues.models import Attachment, Complaint, Event, Flag
from issues.moderation import ModerationRefused, moderate
from issues.serializers import served_path
from tests.factories import StaffMembershipFactory
from tests.issues.test_report_pages import report_data
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.usefixtures("casablanca")

SECRET_TITLE = "Voisin bruyant Karim Bennani, villa 12"  # a name: no automatic masking


@pytest.fixture
def moderator():
    return StaffMembershipFactory(
        role="moderator", authority=Authority.objects.get(slug="anfa")
    ).user


@pytest.fixture
def agent():
    return StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user


@pytest.fixture
def filed(client, point_in):
    """A report of Anfa with a photo, filed through the page by another browser."""
    Client().post(
        "/report/",
        report_data(point_in("anfa"), title=SECRET_TITLE, attachments=[photo_upload()]),
    )
    return with_public_copies(Complaint.objects.get(title=SECRET_TITLE))


def public_surfaces(client, complaint: Complaint) -> dict[str, str]:
    """Every public answer that could show the report, by name. A "not found" answer counts as
    empty (it may repeat the code that was asked for)."""
    point = complaint.location
    box = f"{point.x - 0.01},{point.y - 0.01},{point.x + 0.01},{point.y + 0.01}"
    paths = {
        "api list": "/api/v1/complaints/?page_size=200",
        "api detail": f"/api/v1/complaints/{complaint.reference}/",
        "map pins": f"/api/v1/map/complaints/?zoom=17&bbox={box}",
        "nearby": f"/api/v1/complaints/nearby/?lat={point.y}&lon={point.x}"
        f"&category={complaint.category.code}",
        "open311 list": "/open311/v2/requests.json",
        "open311 one": f"/open311/v2/requests/{complaint.reference}.json",
        "track page": f"/track/{complaint.reference}/",
        "feed arrondissement": f"/feeds/arrondissement/{complaint.arrondissement.slug}/",
        "feed category": f"/feeds/category/{complaint.category.code}/",
        "feed nearby": f"/feeds/nearby/?lat={point.y}&lon={point.x}&radius=500",
        "feed report": f"/feeds/report/{complaint.reference}/",
    }
    answers = {name: client.get(path) for name, path in paths.items()}
    return {
        name: "" if answer.status_code == 404 else answer.content.decode()
        for name, answer in answers.items()
    }


def showing(surfaces: dict[str, str], text: str) -> list[str]:
    return sorted(name for name, body in surfaces.items() if text in body)


def test_a_hidden_report_is_on_no_public_surface(filed, moderator):
    before = public_surfaces(Client(), filed)
    assert len(showing(before, filed.reference)) >= 9  # the scan does see a public report

    moderate(complaint=filed, actor=moderator, decision="hide", reason="Données personnelles")

    after = public_surfaces(Client(), filed)
    assert showing(after, filed.reference) == []
    assert showing(after, SECRET_TITLE) == []


def test_a_hidden_report_sends_no_alert(filed, moderator, django_capture_on_commit_callbacks):
    Alert.objects.create(
        kind="arrondissement",
        email="voisin@example.org",
        arrondissement=filed.arrondissement,
        confirmed_at=filed.created_at - timedelta(minutes=1),
    )
    moderate(complaint=filed, actor=moderator, decision="hide", reason="Insulte")

    with django_capture_on_commit_callbacks(execute=True):
        send_alerts()

    assert [m for m in mail.outbox if m.to == ["voisin@example.org"]] == []


def test_redacted_text_replaces_the_original_in_public_and_staff_keep_both(
    client, filed, moderator
):
    moderate(
        complaint=filed,
        actor=moderator,
        decision="redact",
        reason="Numéro de téléphone",
        public_title="Voisin bruyant",
        public_description="Bruit la nuit.",
    )

    surfaces = public_surfaces(Client(), filed)
    assert showing(surfaces, SECRET_TITLE) == []
    assert {"api detail", "track page", "feed category"} <= set(showing(surfaces, "Voisin bruyant"))
    client.force_login(moderator)
    staff_page = client.get(f"/staff/complaints/{filed.reference}/").content.decode()
    assert SECRET_TITLE in staff_page and "Bruit la nuit." in staff_page


def test_a_hidden_photo_is_gone_from_public_pages_and_files_but_staff_see_it(
    client, filed, moderator, agent
):
    photo = Attachment.objects.get(complaint=filed)
    public_url = served_path(photo.public_file)
    assert Client().get(public_url).status_code == 200

    moderate(
        complaint=filed, actor=moderator, decision="hide_photo", reason="Visage", attachment=photo
    )

    surfaces = public_surfaces(Client(), filed)
    assert showing(surfaces, photo.public_file.name) == []
    assert showing(surfaces, photo.thumbnail.name) == []
    assert Client().get(public_url).status_code == 404
    client.force_login(agent)
    answer = client.get(public_url)
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"


def test_every_decision_is_an_internal_event_with_its_reason(client, filed, moderator):
    moderate(complaint=filed, actor=moderator, decision="hide", reason="Spam publicitaire")
    moderate(complaint=filed, actor=moderator, decision="publish", reason="Erreur de ma part")

    events = Event.objects.filter(complaint=filed, kind=Event.Kind.MODERATED).order_by("id")
    assert [event.is_public for event in events] == [False, False]
    assert "Spam publicitaire" in events[0].internal_note
    assert events[0].actor == moderator
    track = Client().get(f"/track/{filed.reference}/").content.decode()
    assert "Spam publicitaire" not in track


def test_agents_cannot_moderate_and_a_forged_post_changes_nothing(client, filed, agent):
    with pytest.raises(ModerationRefused):
        moderate(complaint=filed, actor=agent, decision="hide", reason="x")
    client.force_login(agent)
    assert (
        "moderate-form" not in client.get(f"/staff/complaints/{filed.reference}/").content.decode()
    )

    answer = client.post(
        f"/staff/complaints/{filed.reference}/moderate/", {"decision": "hide", "reason": "x"}
    )

    assert "Seuls les modérateurs" in answer.content.decode()
    filed.refresh_from_db()
    assert filed.is_public
    assert client.get("/staff/moderation/").status_code == 403


def test_a_decision_needs_a_reason(client, filed, moderator):
    client.force_login(moderator)

    answer = client.post(f"/staff/complaints/{filed.reference}/moderate/", {"decision": "hide"})

    assert answer.status_code == 400
    filed.refresh_from_db()
    assert filed.is_public


def test_citizens_flag_once_per_client_and_the_scoped_queue_shows_it(
    client, filed, moderator, point_in
):
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere.post("/report/", report_data(point_in("maarif"), title="Ailleurs"))
    other = Complaint.objects.get(title="Ailleurs")
    citizen = Client(REMOTE_ADDR="198.51.100.8")
    for _ in range(2):
        citizen.post(f"/track/{filed.reference}/flag/", {"reason": "personal_data"})
    Client(REMOTE_ADDR="198.51.100.8").post(  # a fresh browser, same connection: not again
        f"/track/{filed.reference}/flag/", {"reason": "offensive"}
    )
    Client(REMOTE_ADDR="198.51.100.9").post(f"/track/{filed.reference}/flag/", {"reason": "spam"})
    Client().post(f"/track/{other.reference}/flag/", {"reason": "spam"})
    assert Flag.objects.filter(complaint=filed).count() == 2

    client.force_login(moderator)
    queue = client.get("/staff/moderation/").content.decode()
    assert filed.reference in queue
    assert other.reference not in queue  # Maârif is not this moderator's
    page = client.get(f"/staff/complaints/{filed.reference}/").content.decode()
    assert "données personnelles" in page.lower()

    client.post(
        f"/staff/complaints/{filed.reference}/moderate/",
        {"decision": "redact", "reason": "Nom retiré", "public_title": "Bruit"},
    )
    assert filed.reference not in client.get("/staff/moderation/").content.decode()


def test_a_flag_needs_a_listed_reason(filed):
    citizen = Client()

    citizen.post(f"/track/{filed.reference}/flag/", {"reason": "because"})

    assert not Flag.objects.exists()


def test_pre_moderation_keeps_a_report_private_until_published(client, point_in, moderator):
    Category.objects.filter(code="roads-potholes").update(is_premoderated=True)
    reporter = Client()
    reporter.post("/report/", report_data(point_in("anfa"), title=SECRET_TITLE))
    complaint = Complaint.objects.get()

    assert complaint.moderation == Complaint.Moderation.PENDING
    assert complaint.authority.slug == "anfa"  # routed as usual
    assert showing(public_surfaces(Client(), complaint), SECRET_TITLE) == []
    own_page = reporter.get(f"/track/{complaint.reference}/")
    assert own_page.status_code == 200 and "modérat" in own_page.content.decode()
    assert reporter.get(f"/report/{complaint.reference}/sent/").status_code == 200
    client.force_login(moderator)
    assert complaint.reference in client.get("/staff/moderation/").content.decode()

    moderate(complaint=complaint, actor=moderator, decision="publish", reason="Rien à redire")

    assert "track page" in showing(public_surfaces(Client(), complaint), SECRET_TITLE)


def test_pre_moderation_per_open311_client(settings, point_in):
    _key, secret = APIKey.objects.create_key(name="Application du quartier")
    settings.PREMODERATED_API_CLIENTS = ["Application du quartier"]
    point = point_in("anfa")

    answer = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": secret,
            "service_code": "roads-potholes",
            "lat": point.y,
            "long": point.x,
            "description": "Trou profond devant l'école.",
        },
    )

    assert answer.status_code == 201
    reference = re.search(r"CM-\d{4}-[0-9A-Z]{6}", answer.content.decode()).group(0)
    assert Complaint.objects.get(reference=reference).moderation == Complaint.Moderation.PENDING
    assert Client().get(f"/open311/v2/requests/{reference}.json").status_code == 404


def test_a_hidden_report_still_counts_as_handled_work(filed, moderator):
    """Hiding is about what the public sees: the report stays in its authority's queue."""
    moderate(complaint=filed, actor=moderator, decision="hide", reason="Doublon insultant")

    assert filed.status == Complaint.Status.SUBMITTED
    assert filed.created_at <= timezone.now()
    client = Client()
    client.force_login(moderator)
    assert filed.reference in client.get("/staff/").content.decode()


def test_the_reporter_still_follows_a_hidden_report(point_in, moderator):
    reporter = Client()
    reporter.post("/report/", report_data(point_in("anfa"), title=SECRET_TITLE))
    complaint = Complaint.objects.get()

    moderate(complaint=complaint, actor=moderator, decision="hide", reason="Insulte")

    page = reporter.get(f"/track/{complaint.reference}/")
    assert page.status_code == 200 and "masqué" in page.content.decode()
    assert Client().get(f"/track/{complaint.reference}/").status_code == 404
