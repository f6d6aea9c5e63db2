"""Atom feeds: valid Atom, the right reports, no personal data."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from django.contrib.gis.geos import Point

from districts.models import Authority, Category
from issues.models import Complaint
from issues.services import create_complaint, transition
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.usefixtures("casablanca")

ATOM = "{http://www.w3.org/2005/Atom}"
PERSONAL = {
    "contact_name": "Youssef Berrada",
    "contact_email": "youssef.berrada@example.org",
    "contact_phone": "0612345678",
}


def file(point: Point, code: str = "roads-potholes") -> Complaint:
    return create_complaint(
        category=Category.objects.get(code=code),
        location=point,
        title=f"Problème {code}",
        description="Description publique.",
        **PERSONAL,
    )


def entries(client, path: str, **params) -> list[str]:
    response = client.get(path, params)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    for value in PERSONAL.values():
        assert value not in body
    feed = ElementTree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text
    assert feed.find(f"{ATOM}updated") is not None
    titles = []
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        titles.append(entry.find(f"{ATOM}title").text)
    return titles


def test_arrondissement_feed_lists_its_new_reports_only(client, point_in):
    mine, other = file(point_in("anfa")), file(point_in("maarif"))

    titles = entries(client, "/feeds/arrondissement/anfa/")

    assert any(mine.reference in title for title in titles)
    assert not any(other.reference in title for title in titles)


def test_category_feed(client, point_in):
    lamp, hole = file(point_in("anfa"), "street-lighting"), file(point_in("anfa"))

    titles = entries(client, "/feeds/category/street-lighting/")

    assert [title.split(" — ")[0] for title in titles] == [lamp.reference]
    assert hole.reference not in " ".join(titles)


def test_nearby_feed_measures_metres(client, point_in):
    centre = point_in("sbata")
    close = file(Point(centre.x + 300 / 92_800, centre.y, srid=4326))
    far = file(Point(centre.x + 900 / 92_800, centre.y, srid=4326))

    titles = " ".join(entries(client, "/feeds/nearby/", lat=centre.y, lon=centre.x, radius=500))

    assert close.reference in titles and far.reference not in titles


@pytest.mark.parametrize(
    "params", [{}, {"lat": "x", "lon": "1"}, {"lat": 33.5, "lon": -7.6, "radius": 99999}]
)
def test_nearby_feed_refuses_bad_parameters(client, params):
    assert client.get("/feeds/nearby/", params).status_code == 404


def test_report_feed_shows_public_updates_without_internal_notes(client, point_in):
    complaint = file(point_in("anfa"))
    agent = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user
    transition(
        complaint=complaint,
        to_status=Complaint.Status.ACKNOWLEDGED,
        actor=agent,
        public_message="Prise en charge.",
        internal_note="Secret interne.",
    )

    response = client.get(f"/feeds/report/{complaint.reference}/")
    titles = entries(client, f"/feeds/report/{complaint.reference}/")

    assert len(titles) == 2  # submitted, acknowledged
    assert "Prise en charge." in response.content.decode()
    assert "Secret interne." not in response.content.decode()


def test_unknown_things_have_no_feed(client):
    assert client.get("/feeds/arrondissement/atlantis/").status_code == 404
    assert client.get("/feeds/category/nothing/").status_code == 404
    assert client.get("/feeds/report/CM-2026-NOPE00/").status_code == 404
