"""An outage is answered as one: the database not answering → 503 with Retry-After, the disk full
→ 507, in the visitor's language and the interface's form, and nothing half-saved. Redis down is
not an outage for a citizen: reports are received, their limits counted in process."""

from __future__ import annotations

import errno
from contextlib import contextmanager

import psycopg2
import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client

from issues.models import Attachment, Complaint
from tests.conftest import server_params
from tests.factories import UserFactory
from tests.issues.test_public_api import filing
from tests.issues.test_report_pages import report_data
from tests.media import photo_upload


class FullDisk(FileSystemStorage):
    """A storage whose disk is full (the failure is the disk's, so it is the one thing faked)."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


@contextmanager
def complaints_table_locked():
    """Another session holds the complaints table: this one's statements give up after 200 ms,
    as they would against a database that stopped answering."""
    other = psycopg2.connect(dbname=connection.settings_dict["NAME"], **server_params())
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE issues_complaint IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")


@pytest.mark.django_db(transaction=True)
def test_filing_through_the_api_while_the_database_does_not_answer(casablanca, point_in):
    client = Client(raise_request_exception=False)

    with complaints_table_locked():
        response = client.post(
            "/api/v1/complaints/", filing(point_in("anfa"), attachments=[photo_upload()])
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "service_unavailable"
    assert "rien de ce que vous venez d'envoyer" in response.json()["error"]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_report_page_says_so_in_arabic(casablanca, point_in):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "ar"

    with complaints_table_locked():
        response = client.post("/report/", report_data(point_in("anfa")))

    assert response.status_code == 503
    page = response.content.decode()
    assert 'lang="ar"' in page and 'data-testid="outage"' in page
    assert not Complaint.objects.exists()


def test_a_full_disk_refuses_the_report_with_507_and_keeps_nothing(
    casablanca, point_in, settings, media_in_tmp
):
    settings.STORAGES = settings.STORAGES | {"default": {"BACKEND": f"{__name__}.FullDisk"}}
    client = Client(raise_request_exception=False)

    response = client.post("/report/", report_data(point_in("anfa"), attachments=photo_upload()))

    assert response.status_code == 507
    assert "Les fichiers ne peuvent pas être enregistrés" in response.content.decode()
    assert not Complaint.objects.exists()
    assert not media_in_tmp.exists() or not any(media_in_tmp.rglob("*"))


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }


def test_with_redis_down_a_signed_in_citizens_report_is_still_received(
    casablanca, point_in, cache_down, django_capture_on_commit_callbacks
):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    with django_capture_on_commit_callbacks(execute=True):  # the data-version bump fails here
        response = client.post("/report/", report_data(point_in("anfa")))

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert response["Location"] == f"/report/{complaint.reference}/sent/"


def test_with_redis_down_an_anonymous_report_is_still_received(casablanca, point_in, cache_down):
    client = Client(raise_request_exception=False)

    response = client.post("/report/", report_data(point_in("anfa")))

    assert response.status_code == 302
    assert Complaint.objects.count() == 1


def test_with_redis_down_the_api_files_the_report(casablanca, point_in, cache_down):
    client = Client(raise_request_exception=False)

    response = client.post("/api/v1/complaints/", filing(point_in("anfa")))

    assert response.status_code == 201
    assert Complaint.objects.filter(reference=response.json()["reference"]).exists()


@pytest.mark.parametrize("path", ["/report/", "/api/v1/complaints/"])
def test_with_redis_down_the_report_limit_is_still_counted_in_process(
    casablanca, point_in, cache_down, settings, path
):
    settings.REPORT_RATE_LIMIT = "2/h"
    settings.API_WRITE_RATES = settings.API_WRITE_RATES | {"anonymous": "2/h"}
    client = Client(raise_request_exception=False)
    post = (
        (lambda: client.post(path, report_data(point_in("anfa"))))
        if path == "/report/"
        else (lambda: client.post(path, filing(point_in("anfa"))))
    )

    answers = [post().status_code for _ in range(3)]

    assert answers[:2] == ([302, 302] if path == "/report/" else [201, 201])
    assert answers[2] == 429
    assert Complaint.objects.count() == 2
