"""Only the reporter may rate or reopen: their session, their account, or their private link."""

from __future__ import annotations

import pytest
from django.test import Client

from districts.models import Category
from issues.models import Complaint, Event
from issues.services import transition

pytestmark = pytest.mark.usefixtures("casablanca")
S = Complaint.Status


@pytest.fixture
def resolved_by_citizen(client, point_in):
    """A report sent by `client` (anonymous), then resolved by staff."""
    point = point_in("anfa")
    client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "roads-potholes",
            "title": "Trou",
            "description": "Profond",
            "lat": point.y,
            "lon": point.x,
        },
    )
    complaint = Complaint.objects.get()
    transition(complaint=complaint, to_status=S.ACKNOWLEDGED, actor=None)
    transition(complaint=complaint, to_status=S.RESOLVED, actor=None)
    return complaint


def test_the_reporters_browser_sees_the_rating_and_reopen_forms(client, resolved_by_citizen):
    html = client.get(f"/track/{resolved_by_citizen.reference}/").content.decode()

    assert "Est-ce vraiment réparé ?" in html
    assert "Rouvrir le signalement" in html


def test_another_visitor_sees_neither_and_is_refused(resolved_by_citizen):
    stranger = Client()
    url = f"/track/{resolved_by_citizen.reference}/"

    assert "Rouvrir le signalement" not in stranger.get(url).content.decode()
    assert stranger.post(url + "reopen/", {"reason": "x"}).status_code == 403
    assert stranger.post(url + "rate/", {"rating": "1"}).status_code == 403
    resolved_by_citizen.refresh_from_db()
    assert resolved_by_citizen.status == S.RESOLVED


def test_reporter_rates_then_reopens(client, resolved_by_citizen):
    url = f"/track/{resolved_by_citizen.reference}/"

    client.post(url + "rate/", {"rating": "2", "comment": "Mal rebouché"})
    client.post(url + "reopen/", {"reason": "Le trou est revenu"})

    resolved_by_citizen.refresh_from_db()
    assert resolved_by_citizen.satisfaction == 2
    assert resolved_by_citizen.status == S.ACKNOWLEDGED
    assert resolved_by_citizen.is_reopened


def test_private_link_makes_another_device_the_owner(resolved_by_citizen):
    phone = Client()
    url = f"/track/{resolved_by_citizen.reference}/"

    response = phone.get(url, {"key": resolved_by_citizen.owner_key})
    assert response.status_code == 302  # the key is dropped from the address bar
    phone.post(url + "reopen/", {"reason": "Toujours cassé"})

    resolved_by_citizen.refresh_from_db()
    assert resolved_by_citizen.is_reopened


def test_wrong_key_grants_nothing(resolved_by_citizen):
    phone = Client()
    url = f"/track/{resolved_by_citizen.reference}/"

    phone.get(url, {"key": "guess"})

    assert phone.post(url + "reopen/", {"reason": "x"}).status_code == 403


def test_invalid_rating_is_refused_with_a_message(client, resolved_by_citizen):
    url = f"/track/{resolved_by_citizen.reference}/"

    response = client.post(url + "rate/", {"rating": "9"}, follow=True)

    assert "de 1 à 5" in response.content.decode()
    resolved_by_citizen.refresh_from_db()
    assert resolved_by_citizen.satisfaction is None


def test_confirmation_page_gives_the_private_link_to_the_reporter_only(client, point_in):
    point = point_in("anfa")
    client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "noise",
            "title": "t",
            "description": "d",
            "lat": point.y,
            "lon": point.x,
        },
    )
    complaint = Complaint.objects.get(category=Category.objects.get(code="noise"))
    url = f"/report/{complaint.reference}/sent/"

    assert complaint.owner_key in client.get(url).content.decode()
    assert complaint.owner_key not in Client().get(url).content.decode()


def test_a_rating_is_an_internal_event_of_the_timeline(client, resolved_by_citizen):
    url = f"/track/{resolved_by_citizen.reference}/"

    client.post(url + "rate/", {"rating": "2", "comment": "Mal rebouché"})

    event = resolved_by_citizen.events.get(kind=Event.Kind.RATED)
    assert (event.is_public, event.internal_note) == (False, "2/5 — Mal rebouché")
    assert "Mal rebouché" not in Client().get(url).content.decode()  # not on the public page
