"""Reports with attachments, support counting, e-mail after commit, nothing half-saved."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core import mail
from django.utils import timezone
from PIL import Image

from districts.errors import OutsideServiceArea
from districts.models import Category
from issues.attachments import prepare
from issues.errors import SupportRefused
from issues.models import Attachment, Complaint, Event, Support
from issues.services import create_complaint, support_complaint
from tests.media import pdf_bytes, photo_upload, upload

pytestmark = pytest.mark.usefixtures("casablanca")


def report(point: Point, **overrides) -> Complaint:
    fields = {
        "category": Category.objects.get(code="roads-potholes"),
        "location": point,
        "title": "Nid-de-poule",
        "description": "Profond, devant l'école.",
    }
    return create_complaint(**(fields | overrides))


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_photo_and_pdf_are_stored_with_a_clean_thumbnail(
    point_in, media_in_tmp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        complaint = report(
            point_in("anfa"),
            attachments=[
                prepare(photo_upload(gps=(33.58, -7.66))),
                prepare(upload("a.pdf", pdf_bytes())),
            ],
        )
    photo, document = complaint.attachments.order_by("kind")
    assert (photo.kind, document.kind) == ("image", "pdf")
    assert not photo.public_file and not photo.thumbnail  # the worker makes them
    assert len(stored_files(media_in_tmp)) == 2

    for callback in after_commit:  # the worker is handed the photo, and makes the copies
        callback()

    photo.refresh_from_db()
    with photo.thumbnail.open("rb") as thumbnail:
        image = Image.open(io.BytesIO(thumbnail.read()))
        assert max(image.size) == 480 and dict(image.getexif()) == {}
    for copy in (photo.file, photo.public_file):
        with copy.open("rb") as stored:
            assert b"CameraMaker" not in stored.read()
    assert "photo" not in photo.file.name  # the citizen's own file name is not kept
    assert len(stored_files(media_in_tmp)) == 4  # original, public copy, thumbnail, PDF


def test_deadlines_follow_chikaya_promises(point_in):
    complaint = report(point_in("anfa"))

    created = timezone.localtime(complaint.created_at).date()
    assert complaint.acknowledge_by - created == timedelta(days=15)
    assert complaint.answer_by - created == timedelta(days=60)


def test_submission_records_a_public_event_naming_the_handler(point_in):
    complaint = report(point_in("sbata"), category=Category.objects.get(code="water-leak"))

    event = complaint.events.get()
    assert event.kind == Event.Kind.SUBMITTED
    assert event.authority.slug == "srm-casablanca-settat"
    assert "SRM Casablanca-Settat" in event.public_message


def test_refused_report_leaves_no_row_and_no_file(media_in_tmp):
    with pytest.raises(OutsideServiceArea):
        report(Point(-7.60, 33.70, srid=4326), attachments=[prepare(photo_upload())])

    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_in_tmp) == []


def test_acknowledgement_email_is_sent_after_commit(point_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = report(point_in("anfa"), contact_email="citoyen@example.org")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citoyen@example.org"]
    assert complaint.reference in message.subject
    assert "Anfa" in message.body


def test_anonymous_report_without_email_sends_nothing(point_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(point_in("anfa"))

    assert mail.outbox == []


def test_mail_server_failure_does_not_lose_the_report(
    point_in, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        complaint = report(point_in("anfa"), contact_email="citoyen@example.org")

    assert Complaint.objects.filter(pk=complaint.pk).exists()


def test_support_counts_once_per_device(point_in):
    complaint = report(point_in("anfa"))

    assert support_complaint(complaint=complaint, device_token="phone-1") is True
    assert support_complaint(complaint=complaint, device_token="phone-1") is False
    assert support_complaint(complaint=complaint, device_token="phone-2") is True

    complaint.refresh_from_db()
    assert complaint.support_count == 2
    assert Support.objects.count() == 2


def test_support_counts_once_per_account_across_devices(point_in):
    complaint = report(point_in("anfa"))
    user = get_user_model().objects.create_user(
        "nadia@example.org", "nadia@example.org", "pw-123456x"
    )

    assert support_complaint(complaint=complaint, device_token="phone", user=user) is True
    assert support_complaint(complaint=complaint, device_token="laptop", user=user) is False

    complaint.refresh_from_db()
    assert complaint.support_count == 1


def test_closed_report_cannot_be_supported(point_in):
    complaint = report(point_in("anfa"))
    Complaint.objects.filter(pk=complaint.pk).update(status=Complaint.Status.CLOSED)
    complaint.refresh_from_db()

    with pytest.raises(SupportRefused):
        support_complaint(complaint=complaint, device_token="phone")


def test_public_update_email_is_in_the_reporters_language(point_in):
    from issues.notifications import deliver

    complaint = report(point_in("anfa"), contact_email="amal@example.org", language="ar")
    event = Event.objects.create(
        complaint=complaint,
        kind=Event.Kind.STATUS_CHANGED,
        from_status=Complaint.Status.SUBMITTED,
        to_status=Complaint.Status.ACKNOWLEDGED,
        public_message="تمت برمجة التدخل.",
        internal_note="Équipe B, lundi",
    )
    mail.outbox.clear()

    assert deliver(f"update:{event.pk}") is True
    message = mail.outbox[0]
    assert complaint.reference in message.subject
    assert "تمت برمجة التدخل." in message.body
    assert "Équipe B" not in message.body
