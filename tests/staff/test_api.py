"""The staff API: token or session, the same scope, filters, rules and services as /staff/."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token

from issues.models import Complaint, Event
from issues.services import transition
from tests.factories import StaffMembershipFactory, UserFactory
from tests.media import photo_upload

S = Complaint.Status


def token_client(membership) -> Client:
    token, _created = Token.objects.get_or_create(user=membership.user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def post_json(client: Client, path: str, data: dict):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_the_queue_needs_a_token_or_a_session_of_a_staff_member(client, casablanca):
    citizen = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")

    assert client.get("/api/v1/staff/complaints/").status_code == 401
    refused = citizen.get("/api/v1/staff/complaints/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    bad = Client(HTTP_AUTHORIZATION="Token not-a-token").get("/api/v1/staff/complaints/")
    assert bad.status_code == 401


def test_the_queue_holds_the_authoritys_complaints_only(anfa_agent, report_in):
    mine = report_in("anfa")
    report_in("maarif")

    body = token_client(anfa_agent).get("/api/v1/staff/complaints/").json()

    assert body["count"] == 1
    assert [f["properties"]["reference"] for f in body["features"]] == [mine.reference]


def test_the_queue_takes_the_pages_filters(anfa_agent, report_in):
    report_in("anfa")
    noise = report_in("anfa", "noise", title="Musique la nuit")
    api = token_client(anfa_agent)

    by_category = api.get("/api/v1/staff/complaints/", {"category": "noise"}).json()
    by_text = api.get("/api/v1/staff/complaints/", {"q": "musique"}).json()
    refused = api.get("/api/v1/staff/complaints/", {"status": "lost"})

    assert [f["properties"]["reference"] for f in by_category["features"]] == [noise.reference]
    assert by_text["count"] == 1
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "status"
    assert "acknowledged" in refused.json()["accepted"]


def test_another_authoritys_complaint_is_a_404_for_reading_and_acting(anfa_agent, report_in):
    theirs = report_in("maarif")
    api = token_client(anfa_agent)

    assert api.get(f"/api/v1/staff/complaints/{theirs.reference}/").status_code == 404
    acted = post_json(
        api,
        f"/api/v1/staff/complaints/{theirs.reference}/transition/",
        {"to_status": "acknowledged"},
    )
    assert acted.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.SUBMITTED


def test_the_detail_shows_contact_and_internal_notes_to_staff(anfa_agent, report_in):
    complaint = report_in("anfa", contact_email="habitant@example.org")
    api = token_client(anfa_agent)
    post_json(
        api,
        f"/api/v1/staff/complaints/{complaint.reference}/message/",
        {"public_message": "Vu.", "internal_note": "Chantier voisin en cause."},
    )

    body = api.get(f"/api/v1/staff/complaints/{complaint.reference}/").json()["properties"]

    assert body["contact_email"] == "habitant@example.org"
    assert body["allowed_statuses"] == ["acknowledged", "duplicate", "rejected"]
    assert body["timeline"][-1]["internal_note"] == "Chantier voisin en cause."
    public = Client().get(f"/api/v1/complaints/{complaint.reference}/").content.decode()
    assert "Chantier voisin" not in public and "habitant@example.org" not in public


def test_a_transition_goes_through_the_workflow_and_is_recorded(anfa_agent, report_in):
    complaint = report_in("anfa")

    response = post_json(
        token_client(anfa_agent),
        f"/api/v1/staff/complaints/{complaint.reference}/transition/",
        {"to_status": "acknowledged", "public_message": "Pris en charge."},
    )

    assert response.status_code == 200
    assert response.json()["properties"]["status"] == "acknowledged"
    event = complaint.events.get(kind=Event.Kind.STATUS_CHANGED)
    assert (event.actor, event.to_status) == (anfa_agent.user, S.ACKNOWLEDGED)


def test_a_forged_transition_is_refused_naming_the_allowed_moves(anfa_agent, report_in):
    complaint = report_in("anfa")

    response = post_json(
        token_client(anfa_agent),
        f"/api/v1/staff/complaints/{complaint.reference}/transition/",
        {"to_status": "closed"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["allowed"] == ["acknowledged", "duplicate", "rejected"]
    complaint.refresh_from_db()
    assert complaint.status == S.SUBMITTED


def test_reroute_needs_a_public_reason_and_moves_the_complaint(anfa_agent, report_in, maarif):
    complaint = report_in("anfa")
    api = token_client(anfa_agent)
    url = f"/api/v1/staff/complaints/{complaint.reference}/reroute/"

    missing = post_json(api, url, {"authority": "maarif"})
    moved = post_json(api, url, {"authority": "maarif", "reason": "Côté Maârif de la rue."})

    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    assert moved.status_code == 200
    assert moved.json()["properties"]["authority"] == "maarif"
    assert "timeline" in moved.json()["properties"]  # now shown as the public sees it
    assert token_client(anfa_agent).get(url.replace("reroute/", "")).status_code == 404
    complaint.refresh_from_db()
    assert complaint.authority == maarif


def test_assign_only_to_an_agent_of_the_authority(anfa_agent, maarif_agent, report_in):
    complaint = report_in("anfa")
    colleague = StaffMembershipFactory(authority=anfa_agent.authority, role="agent")
    api = token_client(anfa_agent)
    url = f"/api/v1/staff/complaints/{complaint.reference}/assign/"

    outsider = post_json(api, url, {"agent": maarif_agent.user.pk})
    done = post_json(api, url, {"agent": colleague.user.pk})

    assert outsider.status_code == 400 and "agent" in outsider.json()["fields"]
    assert done.json()["properties"]["assigned_to"] == colleague.user.email


def test_a_photo_of_the_fix_is_attached_by_multipart(anfa_agent, report_in):
    complaint = report_in("anfa")
    url = f"/api/v1/staff/complaints/{complaint.reference}/photo/"

    response = token_client(anfa_agent).post(url, {"photo": photo_upload()})

    assert response.status_code == 200
    [photo] = response.json()["properties"]["attachments"]
    assert photo["stage"] == "resolution"
    assert photo["url"].startswith("http://testserver/media/attachments/")  # the staff's copy
    assert photo["public_url"] is None  # until the worker has blurred it


def test_an_unknown_action_is_a_404(anfa_agent, report_in):
    complaint = report_in("anfa")
    url = f"/api/v1/staff/complaints/{complaint.reference}/delete/"

    assert post_json(token_client(anfa_agent), url, {}).status_code == 404


def test_bulk_changes_what_it_can_and_lists_the_rest(anfa_agent, report_in):
    fresh = report_in("anfa")
    closed = report_in("anfa")
    transition(complaint=closed, to_status=S.REJECTED, actor=anfa_agent.user, public_message="Non.")

    response = post_json(
        token_client(anfa_agent),
        "/api/v1/staff/bulk/",
        {"references": [fresh.reference, closed.reference], "action": "acknowledge"},
    )

    assert response.status_code == 200
    assert response.json()["changed"] == [fresh.reference]
    assert list(response.json()["skipped"]) == [closed.reference]


def test_bulk_with_a_reference_outside_the_queue_changes_nothing(anfa_agent, report_in):
    mine, theirs = report_in("anfa"), report_in("maarif")

    response = post_json(
        token_client(anfa_agent),
        "/api/v1/staff/bulk/",
        {"references": [mine.reference, theirs.reference], "action": "acknowledge"},
    )

    assert response.status_code == 400
    assert set(Complaint.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_a_supervisor_reaches_every_authority(supervisor, report_in):
    report_in("anfa")
    report_in("maarif", "water-leak")

    assert token_client(supervisor).get("/api/v1/staff/complaints/").json()["count"] == 2


@pytest.mark.parametrize("language, word", [("fr", "personnel"), ("ar", "موظفي")])
def test_refusals_follow_the_callers_language(casablanca, language, word):
    citizen = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")

    response = citizen.get("/api/v1/staff/complaints/", HTTP_ACCEPT_LANGUAGE=language)

    assert word in response.json()["error"]


@pytest.mark.parametrize("path", ["/api/v1/staff/bulk/", "transition"])
def test_a_body_that_is_not_an_object_is_refused(anfa_agent, report_in, path):
    complaint = report_in("anfa")
    if path == "transition":
        path = f"/api/v1/staff/complaints/{complaint.reference}/transition/"

    response = token_client(anfa_agent).post(path, "[null]", content_type="application/json")

    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == S.SUBMITTED


def test_staff_writes_are_throttled_per_token_with_retry_after(anfa_agent, report_in, settings):
    settings.API_WRITE_RATES = settings.API_WRITE_RATES | {"authenticated": "2/hour"}
    complaint = report_in("anfa")
    api = token_client(anfa_agent)
    url = f"/api/v1/staff/complaints/{complaint.reference}/message/"

    with time_machine.travel(date(2026, 3, 2), tick=False):
        statuses = [post_json(api, url, {"internal_note": "Vu."}).status_code for _ in range(3)]
        refused = post_json(api, url, {"internal_note": "Vu."})
        reads = api.get("/api/v1/staff/complaints/").status_code

    assert statuses == [200, 200, 429]
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0
    assert reads == 200  # reads are not limited
