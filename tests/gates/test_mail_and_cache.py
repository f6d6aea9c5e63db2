"""Two outputs of the review's smaller items: acknowledgement e-mails carry nothing the reporter
wrote (anyone can type any address into the form), and public copies of photos cannot outlive
a moderator's decision in shared caches."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from issues.attachments import prepare
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.django_db


def test_the_acknowledgement_repeats_nothing_the_reporter_wrote(
    client, point_in, django_capture_on_commit_callbacks
):
    point = point_in("anfa")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/report/",
            {
                "kind": "complaint",
                "category": "roads-potholes",
                "title": "Achetez sur spam.example",
                "description": "Texte publicitaire envoyé à une adresse inconnue.",
                "contact_email": "victime@example.org",
                "lat": point.y,
                "lon": point.x,
            },
        )

    (message,) = mail.outbox
    assert message.to == ["victime@example.org"]
    assert "spam.example" not in message.subject + message.body
    assert "publicitaire" not in message.body
    assert "CM-" in message.body


def test_a_public_copy_is_cached_minutes_not_a_day(client, report_in):
    complaint = with_public_copies(report_in("anfa", attachments=[prepare(photo_upload())]))
    photo = complaint.attachments.get()

    response = client.get(reverse("attachment-file", args=[photo.public_file.name]))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300, must-revalidate"
