"""Law 09-08's retention periods (issues.retention.apply_retention, run daily by Celery beat and
by `manage.py apply_retention`): what is erased, exactly when (dates frozen, a day before and a
day after each limit), and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.management import call_command

from issues import services
from issues.attachments import prepare
from issues.models import Attachment, Complaint, Event
from issues.retention import apply_retention
from tests.factories import UserFactory
from tests.media import photo_upload, with_public_copies

pytestmark = pytest.mark.django_db

FILED = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
CLOSED = datetime(2025, 1, 10, 10, 0, tzinfo=UTC)
CONTACT = {"contact_name": "Omar Idrissi", "contact_email": "omar@example.ma"}


@pytest.fixture(autouse=True)
def periods(settings):
    settings.RETENTION_CONTACT_DAYS = 365
    settings.RETENTION_PHOTO_ORIGINAL_DAYS = 90
    settings.RETENTION_REJECTED_DAYS = 365


@pytest.fixture
def agent():
    return UserFactory(username="agent.retention@example.ma")


@pytest.fixture
def filed(report_in):
    """`filed(photo=True)`: a report filed on FILED with contact details (and a photo with its
    blurred public copy)."""

    def _file(**fields):
        photo = fields.pop("photo", False)
        if photo:
            fields["attachments"] = [prepare(photo_upload())]
        with time_machine.travel(FILED, tick=False):
            complaint = report_in("anfa", **(CONTACT | fields))
        return with_public_copies(complaint) if photo else complaint

    return _file


def move(complaint, agent, *statuses, at=CLOSED):
    with time_machine.travel(at, tick=False):
        for status in statuses:
            services.transition(
                complaint=complaint, to_status=status, actor=agent, public_message="Décision."
            )


def resolved(complaint, agent, at=CLOSED):
    move(complaint, agent, "acknowledged", "resolved", at=at)
    return complaint


def contact_of(complaint) -> tuple[str, str, str]:
    return tuple(
        Complaint.objects.filter(pk=complaint.pk).values_list(
            "contact_name", "contact_email", "contact_phone"
        )[0]
    )


def test_contact_details_stay_until_the_day_before_the_limit(filed, agent):
    complaint = resolved(filed(), agent)

    run = apply_retention(now=CLOSED + timedelta(days=364))

    assert run.contacts_erased == 0
    assert contact_of(complaint) == ("Omar Idrissi", "omar@example.ma", "")


def test_contact_details_are_erased_the_day_after_the_limit(filed, agent):
    complaint = resolved(filed(), agent)

    run = apply_retention(now=CLOSED + timedelta(days=366))

    assert run.contacts_erased == 1
    assert contact_of(complaint) == ("", "", "")
    assert Complaint.objects.filter(pk=complaint.pk).exists()  # the report stays


def test_contact_details_of_an_open_report_are_kept_however_old(filed, agent):
    complaint = filed()
    move(complaint, agent, "acknowledged")

    run = apply_retention(now=FILED + timedelta(days=3000))

    assert run.contacts_erased == 0
    assert contact_of(complaint)[1] == "omar@example.ma"


def test_the_limit_counts_from_the_last_closing_not_the_first(filed, agent):
    complaint = resolved(filed(), agent)
    Complaint.objects.filter(pk=complaint.pk).update(status="in_progress")
    complaint.refresh_from_db()
    move(complaint, agent, "resolved", at=CLOSED + timedelta(days=200))

    assert apply_retention(now=CLOSED + timedelta(days=366)).contacts_erased == 0
    assert apply_retention(now=CLOSED + timedelta(days=566)).contacts_erased == 1


def test_photo_originals_are_deleted_after_their_period_and_the_public_copy_stays(
    filed, agent, django_capture_on_commit_callbacks
):
    complaint = resolved(filed(photo=True), agent)
    photo = complaint.attachments.get()
    original, public = photo.file.name, photo.public_file.name
    assert default_storage.exists(original)

    with django_capture_on_commit_callbacks(execute=True):
        before = apply_retention(now=CLOSED + timedelta(days=89))
    assert before.photo_originals_deleted == 0
    assert default_storage.exists(original)

    with django_capture_on_commit_callbacks(execute=True):
        after = apply_retention(now=CLOSED + timedelta(days=91))

    photo.refresh_from_db()
    assert after.photo_originals_deleted == 1
    assert photo.file.name == ""
    assert not default_storage.exists(original)
    assert photo.public_file.name == public and default_storage.exists(public)
    assert contact_of(complaint)[1] == "omar@example.ma"  # its own, longer period


def test_a_photo_without_a_public_copy_keeps_its_original(filed, agent):
    complaint = resolved(filed(photo=True), agent)
    Attachment.objects.filter(complaint=complaint).update(public_file="")

    run = apply_retention(now=CLOSED + timedelta(days=91))

    assert run.photo_originals_deleted == 0
    assert complaint.attachments.get().file.name != ""


def test_the_staff_page_shows_the_public_copy_once_the_original_is_gone(filed, agent, casablanca):
    from django.test import Client

    from tests.factories import StaffMembershipFactory

    complaint = resolved(filed(photo=True), agent)
    apply_retention(now=CLOSED + timedelta(days=91))
    staff = Client()
    staff.force_login(StaffMembershipFactory(authority=None, role="supervisor").user)

    page = staff.get(f"/staff/complaints/{complaint.reference}/")

    assert page.status_code == 200
    assert complaint.attachments.get().public_file.name in page.content.decode()
    assert "Original supprimé (durée de conservation)" in page.content.decode()


def test_rejected_reports_are_deleted_with_their_files_after_a_year(
    filed, agent, django_capture_on_commit_callbacks, settings
):
    settings.RETENTION_PHOTO_ORIGINAL_DAYS = 1000  # the original is still there to delete
    rejected = filed(photo=True)
    move(rejected, agent, "rejected")
    names = [
        name
        for attachment in rejected.attachments.all()
        for name in (attachment.file.name, attachment.public_file.name, attachment.thumbnail.name)
    ]
    kept = resolved(filed(), agent)

    with django_capture_on_commit_callbacks(execute=True):
        early = apply_retention(now=CLOSED + timedelta(days=364))
    assert early.reports_deleted == 0
    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention(now=CLOSED + timedelta(days=366))

    assert run.reports_deleted == 1
    assert run.files_deleted == 3
    assert not Complaint.objects.filter(pk=rejected.pk).exists()
    assert not Event.objects.filter(complaint_id=rejected.pk).exists()
    assert not any(default_storage.exists(name) for name in names)
    assert Complaint.objects.filter(pk=kept.pk).exists()


def test_a_dry_run_counts_and_changes_nothing(filed, agent, django_capture_on_commit_callbacks):
    complaint = resolved(filed(photo=True), agent)
    rejected = filed(contact_name="", contact_email="")
    move(rejected, agent, "rejected")
    original = complaint.attachments.get().file.name

    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention(now=CLOSED + timedelta(days=400), dry_run=True)

    assert (run.contacts_erased, run.photo_originals_deleted, run.reports_deleted) == (1, 1, 1)
    assert contact_of(complaint)[1] == "omar@example.ma"
    assert default_storage.exists(original)
    assert Complaint.objects.filter(pk=rejected.pk).exists()


def test_the_command_reports_its_counts(filed, agent, capsys):
    resolved(filed(), agent)

    with time_machine.travel(CLOSED + timedelta(days=366), tick=False):
        call_command("apply_retention", "--dry-run")
        call_command("apply_retention")

    out = capsys.readouterr().out
    assert "contact details would be erased: 1" in out
    assert "contact details erased: 1" in out


def test_the_daily_task_is_scheduled(settings):
    from issues import tasks

    assert (
        settings.CELERY_BEAT_SCHEDULE["apply-retention"]["task"] == "issues.tasks.apply_retention"
    )
    assert tasks.apply_retention.name == "issues.tasks.apply_retention"
