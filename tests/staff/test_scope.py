"""Scope, in both directions: staff see and change only their authority's complaints."""

from __future__ import annotations

import pytest

from issues.models import Complaint
from tests.staff.conftest import signed_in

ACTIONS = ["transition", "reroute", "assign", "message", "photo"]


def test_agent_lists_only_their_authoritys_complaints(anfa_agent, report_in):
    mine = report_in("anfa")
    theirs = report_in("maarif")

    html = signed_in(anfa_agent).get("/staff/").content.decode()

    assert mine.reference in html
    assert theirs.reference not in html


def test_agent_of_maarif_sees_maarif_and_not_anfa(maarif_agent, report_in):
    anfa_complaint = report_in("anfa")
    maarif_complaint = report_in("maarif")

    html = signed_in(maarif_agent).get("/staff/").content.decode()

    assert maarif_complaint.reference in html
    assert anfa_complaint.reference not in html


def test_supervisor_sees_every_authority(supervisor, report_in):
    references = [report_in("anfa").reference, report_in("sbata", "water-leak").reference]

    html = signed_in(supervisor).get("/staff/").content.decode()

    assert all(reference in html for reference in references)


def test_agent_cannot_open_another_authoritys_complaint(anfa_agent, report_in):
    theirs = report_in("maarif")

    response = signed_in(anfa_agent).get(f"/staff/complaints/{theirs.reference}/")

    assert response.status_code == 404


def test_agent_opens_their_own_complaint(anfa_agent, report_in):
    mine = report_in("anfa")

    response = signed_in(anfa_agent).get(f"/staff/complaints/{mine.reference}/")

    assert response.status_code == 200


@pytest.mark.parametrize("action", ACTIONS)
def test_agent_cannot_change_another_authoritys_complaint(anfa_agent, report_in, action):
    theirs = report_in("maarif")

    response = signed_in(anfa_agent).post(
        f"/staff/complaints/{theirs.reference}/{action}/",
        {"to_status": "acknowledged", "public_message": "x", "reason": "x"},
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Complaint.Status.SUBMITTED
    assert theirs.events.count() == 1


@pytest.mark.parametrize("path", ["/staff/export.csv", "/staff/export.geojson"])
def test_exports_hold_only_the_agents_scope(anfa_agent, report_in, path):
    mine = report_in("anfa")
    theirs = report_in("maarif")

    body = b"".join(signed_in(anfa_agent).get(path).streaming_content).decode()

    assert mine.reference in body
    assert theirs.reference not in body


def test_bulk_action_on_another_authoritys_complaint_changes_nothing(anfa_agent, report_in):
    theirs = report_in("maarif")

    signed_in(anfa_agent).post(
        "/staff/bulk/", {"references": [theirs.reference], "action": "acknowledge"}
    )

    theirs.refresh_from_db()
    assert theirs.status == Complaint.Status.SUBMITTED


def test_citizen_without_membership_is_refused(client, report_in, django_user_model):
    user = django_user_model.objects.create_user("c@example.org", "c@example.org", "pw-123456x")
    client.force_login(user)

    response = client.get("/staff/")

    assert response.status_code == 403
    assert "personnel" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/staff/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/")
