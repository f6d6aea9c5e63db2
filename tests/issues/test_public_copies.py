"""A photo's blurred public copy and thumbnail are made by the worker after the report's commit
(issues.tasks): the report is answered without waiting for them, the photo stays off public
pages until they exist, making them twice does nothing, and the sweeper makes up for lost tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from issues import tasks
from issues.models import Attachment
from tests.conftest import celery_broker
from tests.issues.test_public_api import filing
from tests.issues.test_report_pages import report_data
from tests.media import photo_upload

pytestmark = pytest.mark.usefixtures("casablanca")


@pytest.fixture
def photo(point_in, django_capture_on_commit_callbacks):
    """A photo reported through the page; what was handed to the worker after the commit is
    kept in `photo.after_commit`, not run."""
    with django_capture_on_commit_callbacks() as after_commit:
        Client().post("/report/", report_data(point_in("anfa"), attachments=[photo_upload()]))
    attachment = Attachment.objects.get()
    attachment.after_commit = after_commit
    return attachment


def track_page(attachment: Attachment) -> str:
    return Client().get(f"/track/{attachment.complaint.reference}/").content.decode()


def test_the_photo_is_public_once_the_worker_has_blurred_it(photo):
    assert not photo.public_file and not photo.thumbnail
    assert "/media/" not in track_page(photo)

    for callback in photo.after_commit:
        callback()  # eager here: the worker's task runs in place

    photo.refresh_from_db()
    assert photo.public_file and photo.thumbnail
    page = track_page(photo)
    assert photo.public_file.name in page and photo.thumbnail.name in page
    assert photo.file.name not in page


def test_making_the_copy_twice_changes_nothing(photo):
    assert tasks.make_public_copy(photo.pk) is True
    photo.refresh_from_db()
    made = (photo.public_file.name, photo.thumbnail.name)

    assert tasks.make_public_copy(photo.pk) is False

    photo.refresh_from_db()
    assert (photo.public_file.name, photo.thumbnail.name) == made


def test_the_sweeper_makes_the_copies_of_lost_tasks_only_once_they_are_late(photo):
    assert tasks.make_missing_public_copies() == 0  # just received: its task may be under way
    assert not Attachment.objects.get(pk=photo.pk).public_file

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert tasks.make_missing_public_copies() == 1

    assert Attachment.objects.get(pk=photo.pk).public_file
    assert tasks.make_missing_public_copies() == 0


def test_a_photo_whose_original_was_lost_is_logged_not_retried_as_a_failure(photo, caplog):
    photo.file.storage.delete(photo.file.name)

    assert tasks.make_public_copy(photo.pk) is False

    assert f"attachment {photo.pk}: the original photo is missing" in caplog.text
    assert not Attachment.objects.get(pk=photo.pk).public_file


def test_a_broker_down_after_the_commit_leaves_the_photo_to_the_sweeper(
    point_in, django_capture_on_commit_callbacks, caplog
):
    """The report was saved: handing its photo (and its e-mail) to a broker that does not answer
    must not turn the answer into an error."""
    with (
        celery_broker("redis://127.0.0.1:1/0"),  # nothing listens there
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = Client().post(
            "/api/v1/complaints/",
            filing(point_in("anfa"), attachments=[photo_upload()], contact_email="a@example.org"),
        )

    assert answer.status_code == 201
    photo = Attachment.objects.get()
    assert not photo.public_file
    left = [r.getMessage() for r in caplog.records if "left for the sweeper" in r.getMessage()]
    assert any(message.startswith(f"photo {photo.pk} ") for message in left)
    assert any(message.startswith("e-mail ") for message in left)
