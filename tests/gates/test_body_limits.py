"""Request bodies are capped per route before they are read (casa_map.middleware
.BodyLimitMiddleware): 413 in the interface's format and the visitor's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues.models import Complaint

pytestmark = pytest.mark.django_db


def declared(client, path: str, size: int, **extra):
    """A POST declaring `size` bytes; the test client sends only a small body, so a server
    that read before checking would fail to parse it, not answer 413."""
    return client.post(
        path,
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(size),
        **extra,
    )


def test_the_photo_position_route_refuses_more_than_a_photos_head(client):
    answer = declared(client, "/report/photo-location/", 60 * 1024 * 1024)

    assert answer.status_code == 413
    assert "trop volumineux" in answer.content.decode()


def test_the_head_of_a_photo_still_goes_through(client):
    head = SimpleUploadedFile("p.jpg", b"\xff\xd8" + b"0" * 1000, content_type="image/jpeg")

    assert client.post("/report/photo-location/", {"photo": head}).json() == {"found": False}


def test_an_oversized_api_body_is_answered_in_the_apis_format(client):
    answer = declared(client, "/api/v1/categories/", 5 * 1024 * 1024)

    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"


def test_an_oversized_open311_body_is_answered_in_open311s_format(client):
    xml = declared(client, "/open311/v2/requests.xml", 5 * 1024 * 1024)
    json_answer = declared(client, "/open311/v2/requests.json", 5 * 1024 * 1024)

    assert xml.status_code == json_answer.status_code == 413
    assert xml.content.startswith(b"<?xml")
    assert json_answer.json()[0]["code"] == 413


def test_the_message_follows_the_visitors_language(client):
    answer = declared(client, "/api/v1/complaints/", 80 * 1024 * 1024, HTTP_ACCEPT_LANGUAGE="ar")

    assert answer.status_code == 413
    assert "trop" not in answer.json()["error"]


def test_a_json_body_over_the_in_memory_limit_is_413_not_an_html_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "a" * 2000 + '"}'

    answer = client.post("/api/v1/complaints/", body, content_type="application/json")

    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    assert not Complaint.objects.exists()


def test_a_report_with_its_photos_is_within_the_reports_limit(client):
    answer = declared(client, "/report/", 30 * 1024 * 1024)

    assert answer.status_code != 413


def test_a_citizens_update_with_its_photo_is_within_its_limit_and_more_is_refused(client):
    path = "/track/CM-2026-ZZZZZZ/update/"

    assert declared(client, path, 9 * 1024 * 1024).status_code != 413
    assert declared(client, path, 30 * 1024 * 1024).status_code == 413
