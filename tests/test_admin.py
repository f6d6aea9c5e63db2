"""The admin pages staff use to edit reference data and browse complaints all render."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from districts.models import Category
from issues.services import create_complaint

pytestmark = pytest.mark.usefixtures("casablanca")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/districts/authority/",
        "/admin/districts/servicearea/",
        "/admin/districts/category/",
        "/admin/districts/assignment/",
        "/admin/districts/place/?q=maarif",
        "/admin/issues/complaint/?status__exact=submitted",
        "/admin/districts/staffmembership/",
        "/admin/districts/staffmembership/add/",
        "/admin/districts/category/1/change/",
        "/admin/districts/nonworkingday/",
        "/admin/districts/nonworkingday/add/",
        "/admin/issues/smsoptout/",
        "/admin/issues/smsoptout/add/",
        "/admin/issues/owedsms/",
    ],
)
def test_admin_lists_render(client, path):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456x")
    client.force_login(admin)

    assert client.get(path).status_code == 200


@pytest.fixture
def noise_in_anfa(client, point_in):
    """A complaint filed through the service, with the client signed in as a superuser."""
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-123456x")
    client.force_login(admin)
    return create_complaint(
        category=Category.objects.get(code="noise"),
        location=point_in("anfa"),
        title="Bruit",
        description="La nuit.",
    )


def test_admin_complaint_page_shows_the_read_only_timeline(client, noise_in_anfa):
    complaint = noise_in_anfa

    response = client.get(f"/admin/issues/complaint/{complaint.pk}/change/")

    assert response.status_code == 200
    assert "Traité par l&#x27;arrondissement Anfa." in response.content.decode()


def test_admin_cannot_change_a_complaints_status_or_add_one(client, noise_in_anfa):
    complaint = noise_in_anfa
    url = f"/admin/issues/complaint/{complaint.pk}/change/"

    response = client.post(
        url,
        {
            "kind": "complaint",
            "category": complaint.category_id,
            "title": "Bruit nocturne",
            "description": "La nuit.",
            "location": complaint.location.geojson,
            "status": "closed",
            "language": "fr",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-0-id": complaint.events.get().pk,
            "events-0-complaint": complaint.pk,
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302  # saved: the editable fields changed, the status did not
    complaint.refresh_from_db()
    assert complaint.title == "Bruit nocturne"
    assert complaint.status == "submitted"
    assert client.get("/admin/issues/complaint/add/").status_code == 403
