"""Stored photos and PDFs are served by name only when a report holds them, with the type they
were stored as, never sniffed, and PDFs as downloads."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from districts.models import Category
from issues.attachments import prepare
from issues.services import create_complaint
from tests.media import pdf_bytes, photo_upload, upload, with_public_copies

pytestmark = pytest.mark.usefixtures("casablanca", "media_in_tmp")


def report_with(point: Point, *uploads):
    return create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point,
        title="Nid-de-poule",
        description="Devant l'école.",
        attachments=[prepare(item) for item in uploads],
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_photo_and_its_thumbnail_are_served_as_jpeg_not_sniffed(client, point_in):
    photo = with_public_copies(report_with(point_in("anfa"), photo_upload())).attachments.get()

    for stored in (photo.public_file, photo.thumbnail):
        response = client.get(stored.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" not in response.get("Content-Disposition", "")
        assert body(response).startswith(b"\xff\xd8")


def test_a_pdf_is_a_download_named_after_the_report(client, point_in):
    complaint = report_with(point_in("anfa"), upload("facture.pdf", pdf_bytes()))
    document = complaint.attachments.get()

    response = client.get(document.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="{complaint.reference}.pdf"'
    assert body(response).startswith(b"%PDF-")


def test_a_file_no_report_holds_is_not_served_even_if_it_exists(client, media_in_tmp):
    stray = media_in_tmp / "attachments" / "2026" / "11" / "stray.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"\xff\xd8 not a report's photo")

    assert client.get("/media/attachments/2026/11/stray.jpg").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/media/../manage.py", "/media/%2e%2e/%2e%2e/etc/passwd", "/media/attachments/x/../../.env"],
)
def test_paths_a_visitor_makes_up_find_nothing(client, path):
    assert client.get(path).status_code == 404


def test_the_original_of_a_photo_is_not_public(client, point_in):
    """Faces and plates are blurred on the public copy only (issues.blur)."""
    photo = report_with(point_in("anfa"), photo_upload()).attachments.get()

    assert client.get(photo.file.url).status_code == 404


def test_a_photo_whose_file_was_lost_is_a_404_not_a_500(client, point_in):
    photo = with_public_copies(report_with(point_in("anfa"), photo_upload())).attachments.get()
    photo.public_file.storage.delete(photo.public_file.name)

    assert client.get(photo.public_file.url).status_code == 404


def test_behind_the_proxy_a_visible_file_is_handed_to_nginx_and_a_hidden_one_is_not(
    client, point_in, settings
):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"
    photo = with_public_copies(report_with(point_in("anfa"), photo_upload())).attachments.get()

    public = client.get(photo.public_file.url)
    original = client.get(photo.file.url)  # the unblurred original is staff only

    assert public.status_code == 200
    assert public["X-Accel-Redirect"] == f"/_protected_media/{photo.public_file.name}"
    assert public["Content-Type"] == "image/jpeg"
    assert public.content == b""
    assert original.status_code == 404
    assert "X-Accel-Redirect" not in original


def test_behind_the_proxy_a_pdf_stays_a_named_download(client, point_in, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"
    complaint = report_with(point_in("anfa"), upload("facture.pdf", pdf_bytes()))

    response = client.get(complaint.attachments.get().file.url)

    assert response["X-Accel-Redirect"].startswith("/_protected_media/attachments/")
    assert response["Content-Disposition"] == f'attachment; filename="{complaint.reference}.pdf"'
