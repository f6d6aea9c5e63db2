"""Pages and API answers are sent compressed to clients that accept it; photos are not."""

from __future__ import annotations

import gzip

import pytest

from tests.media import photo_upload

pytestmark = pytest.mark.usefixtures("casablanca")

GZIP = {"Accept-Encoding": "gzip, br"}


@pytest.mark.parametrize("path", ["/report/", "/api/v1/arrondissements/", "/manifest.webmanifest"])
def test_text_is_compressed(client, path):
    plain = client.get(path)
    compressed = client.get(path, headers=GZIP)

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content)
    if path != "/report/":  # the page's CSRF token differs between the two requests
        assert gzip.decompress(compressed.content) == plain.content


def test_photos_are_sent_as_stored(client, point_in):
    from issues.models import Attachment
    from issues.serializers import served_path
    from tests.media import with_public_copies

    client.post(
        "/report/",
        {
            "kind": "complaint",
            "category": "roads-potholes",
            "title": "Trou",
            "description": "Profond.",
            "lat": point_in("anfa").y,
            "lon": point_in("anfa").x,
            "attachments": [photo_upload()],
        },
    )
    attachment = Attachment.objects.get()
    with_public_copies(attachment.complaint)
    attachment.refresh_from_db()

    response = client.get(served_path(attachment.public_file), headers=GZIP)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert not response.has_header("Content-Encoding")
