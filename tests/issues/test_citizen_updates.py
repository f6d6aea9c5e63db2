"""Citizens' updates of a report (still there / fixed, text, a photo), moderated before they
are public; and the tracking page's place, support button and "you support this report"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from issues import moderation, services
from issues.errors import UpdateRefused
from issues.models import Attachment, CitizenUpdate, Complaint, Event
from tests.factories import StaffMembershipFactory
from tests.gates.test_files_gate import bomb_png
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.usefixtures("casablanca")


def send_update(client: Client, complaint: Complaint, **fields):
    data = {"claim": "still_there", "text": "Toujours là ce matin."} | fields
    return client.post(f"/track/{complaint.reference}/update/", data)


def moderator_of(complaint: Complaint):
    return StaffMembershipFactory(role="moderator", authority=complaint.authority).user


def track_page(client: Client, complaint: Complaint) -> str:
    response = client.get(f"/track/{complaint.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_update_is_stored_awaiting_moderation_and_not_shown(client, report_in):
    complaint = report_in("anfa")

    response = send_update(client, complaint, text="Le trou est encore plus grand.")

    assert response.status_code == 302
    update = CitizenUpdate.objects.get(complaint=complaint)
    assert update.moderation == CitizenUpdate.Moderation.PENDING
    assert update.author is None
    assert "Le trou est encore plus grand." not in track_page(Client(), complaint)
    assert (
        "Le trou est encore plus grand."
        not in Client().get(f"/api/v1/complaints/{complaint.reference}/").content.decode()
    )


def test_a_published_update_is_on_the_timeline_and_in_the_public_api(client, report_in):
    complaint = report_in("anfa")
    send_update(client, complaint, claim="fixed", text="Rebouché hier soir.")
    update = CitizenUpdate.objects.get()

    moderation.moderate_update(
        update=update, actor=moderator_of(complaint), decision="publish", reason="Vérifié"
    )

    html = track_page(Client(), complaint)
    assert "Rebouché hier soir." in html
    assert "Le problème est réparé" in html
    detail = Client().get(f"/api/v1/complaints/{complaint.reference}/").json()
    updates = detail["properties"]["citizen_updates"]
    assert [(u["claim"], u["text"]) for u in updates] == [("fixed", "Rebouché hier soir.")]


def test_a_hidden_update_is_never_shown(client, report_in):
    complaint = report_in("anfa")
    send_update(client, complaint, text="Texte injurieux")
    update = CitizenUpdate.objects.get()

    moderation.moderate_update(
        update=update, actor=moderator_of(complaint), decision="hide", reason="Injurieux"
    )

    assert update.moderation == CitizenUpdate.Moderation.HIDDEN
    assert "Texte injurieux" not in track_page(Client(), complaint)
    assert (
        "Texte injurieux"
        not in Client().get(f"/api/v1/complaints/{complaint.reference}/").content.decode()
    )


def test_a_fixed_claim_does_not_close_the_report_but_tells_the_staff(client, report_in):
    complaint = report_in("anfa")

    send_update(client, complaint, claim="fixed", text="")

    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.SUBMITTED
    event = Event.objects.get(complaint=complaint, kind=Event.Kind.CITIZEN_UPDATE)
    assert not event.is_public and "réparé" in event.internal_note


def test_a_closed_report_takes_no_update_and_says_so(client, report_in):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)

    page = track_page(client, complaint)
    responses = [send_update(client, complaint), send_update(client, complaint, claim="")]

    assert 'data-testid="update-form"' not in page
    for response in responses:  # the closed report is the reason, whatever else is wrong
        assert response.status_code == 409
        assert "ne reçoit plus de nouvelles" in response.content.decode()
    assert not CitizenUpdate.objects.exists()


def test_the_service_refuses_an_update_of_a_closed_report(report_in):
    complaint = report_in("anfa")
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.RESOLVED)

    with pytest.raises(UpdateRefused):
        services.add_citizen_update(complaint=complaint, claim="still_there")
    assert not CitizenUpdate.objects.exists()


def test_an_update_without_a_claim_is_refused_and_nothing_is_stored(client, report_in):
    complaint = report_in("anfa")

    response = send_update(client, complaint, claim="")

    assert response.status_code == 400
    assert "toujours là ou réparé" in response.content.decode()
    assert not CitizenUpdate.objects.exists()


def test_an_image_bomb_is_refused_with_a_message_and_nothing_is_stored(client, report_in):
    complaint = report_in("anfa")
    bomb = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    response = send_update(client, complaint, photo=bomb)

    assert response.status_code == 400
    assert "trop de pixels" in response.content.decode()
    assert not CitizenUpdate.objects.exists()
    assert not Attachment.objects.exists()


def test_an_updates_photo_is_stripped_blurred_and_public_only_once_published(client, report_in):
    complaint = report_in("anfa")
    send_update(client, complaint, photo=photo_upload(gps=(33.59, -7.62)))
    update = CitizenUpdate.objects.select_related("photo").get()
    with_public_copies(complaint)
    update.photo.refresh_from_db()
    public_url = f"/media/{update.photo.thumbnail.name}"

    assert update.photo.stage == Attachment.Stage.UPDATE
    assert b"PhoneModel" not in update.photo.file.read()
    assert update.photo.public_file  # the worker's blurred copy
    assert Client().get(public_url).status_code == 404  # pending: staff only

    moderation.moderate_update(
        update=update, actor=moderator_of(complaint), decision="publish", reason="OK"
    )

    assert public_url in track_page(Client(), complaint)
    assert Client().get(public_url).status_code == 200
    # its own place on the timeline, not among the report's photos
    detail = Client().get(f"/api/v1/complaints/{complaint.reference}/").json()["properties"]
    assert detail["attachments"] == []
    assert detail["citizen_updates"][0]["photo"]["thumbnail_url"].endswith(public_url)


def test_updates_are_rate_limited_per_client(client, report_in, settings):
    settings.UPDATE_RATE_LIMIT = "2/h"
    complaint = report_in("anfa")

    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        statuses = [send_update(client, complaint).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert CitizenUpdate.objects.count() == 2


def test_only_moderators_publish_updates(client, report_in):
    complaint = report_in("anfa")
    send_update(client, complaint)
    agent = StaffMembershipFactory(role="agent", authority=complaint.authority).user

    with pytest.raises(moderation.ModerationRefused):
        moderation.moderate_update(
            update=CitizenUpdate.objects.get(), actor=agent, decision="publish", reason="x"
        )
    assert CitizenUpdate.objects.get().moderation == CitizenUpdate.Moderation.PENDING


def test_the_moderation_queue_lists_reports_with_updates_awaiting(client, report_in):
    complaint = report_in("anfa")
    send_update(client, complaint)
    desk = Client()
    desk.force_login(moderator_of(complaint))

    queue = desk.get("/staff/moderation/").content.decode()
    response = desk.post(
        f"/staff/complaints/{complaint.reference}/moderate_update/",
        {"update": CitizenUpdate.objects.get().pk, "decision": "publish", "reason": "Vu"},
    )

    assert complaint.reference in queue
    assert response.status_code == 302
    assert CitizenUpdate.objects.get().moderation == CitizenUpdate.Moderation.PUBLISHED
    assert complaint.reference not in desk.get("/staff/moderation/").content.decode()


# --- The page's place and support button -----------------------------------------------------


def test_the_page_names_the_arrondissement_and_the_nearest_place(client, report_in):
    complaint = report_in("anfa")

    french = track_page(client, complaint)
    arabic = client.get(
        f"/track/{complaint.reference}/", HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()

    assert "Anfa" in french and 'data-testid="nearest-place"' in french
    assert "أنفا" in arabic and 'data-testid="nearest-place"' in arabic


def test_the_owner_sees_no_support_button_and_cannot_support(client, point_in):
    client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "roads-potholes",
            "title": "Nid-de-poule",
            "description": "Profond.",
            "lat": f"{point_in('anfa').y:.7f}",
            "lon": f"{point_in('anfa').x:.7f}",
        },
    )
    complaint = Complaint.objects.get()

    page = track_page(client, complaint)
    answer = client.post(f"/track/{complaint.reference}/support/", HTTP_ACCEPT="application/json")

    assert "J’ai aussi ce problème" not in page and "J'ai aussi ce problème" not in page
    assert answer.status_code == 409
    complaint.refresh_from_db()
    assert complaint.support_count == 0


def test_a_supporter_sees_they_support_it_after_a_reload(client, report_in):
    complaint = report_in("anfa")
    user = get_user_model().objects.create_user("s@example.org", "s@example.org", "pw-123456x")
    client.force_login(user)
    before = track_page(client, complaint)

    client.post(f"/track/{complaint.reference}/support/")
    after = track_page(client, complaint)

    assert 'data-testid="supported"' not in before
    assert 'data-testid="supported"' in after
    assert "disabled" in after.split('data-testid="supported"')[1].split("</form>")[0]
