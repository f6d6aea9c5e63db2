"""Attachments: type by content, size limit, photos re-encoded without any metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from issues.attachments import AttachmentRejected, prepare
from tests.media import jpeg_bytes, pdf_bytes, photo_upload, upload


def test_photo_is_reencoded_without_exif():
    prepared = prepare(photo_upload(gps=(33.5731, -7.6298)))

    cleaned = Image.open(io.BytesIO(prepared.content.read()))
    assert prepared.kind == "image"
    assert cleaned.format == "JPEG"
    assert dict(cleaned.getexif()) == {}
    assert b"CameraMaker" not in prepared.content.read()


def test_photo_gps_position_is_read_before_it_is_stripped():
    prepared = prepare(photo_upload(gps=(33.5731, -7.6298)))

    lat, lon = prepared.gps
    assert lat == pytest.approx(33.5731, abs=1e-4)
    assert lon == pytest.approx(-7.6298, abs=1e-4)


def test_photo_without_gps_has_no_position():
    assert prepare(photo_upload()).gps is None


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_accepted_and_become_jpeg(fmt):
    raw = jpeg_bytes(fmt=fmt)

    prepared = prepare(upload("photo.bin", raw))

    assert Image.open(io.BytesIO(prepared.content.read())).format == "JPEG"


def test_heic_photo_is_accepted():
    import pillow_heif

    heif = pillow_heif.from_pillow(Image.new("RGB", (64, 48), (10, 200, 30)))
    out = io.BytesIO()
    heif.save(out, quality=50)

    prepared = prepare(upload("IMG_0001.HEIC", out.getvalue(), "image/heic"))

    assert prepared.kind == "image"


def test_pdf_keeps_its_pages():
    prepared = prepare(upload("letter.pdf", pdf_bytes(), "application/pdf"))

    assert prepared.kind == "pdf"
    stored = PdfReader(io.BytesIO(prepared.content.read()))
    assert [page.mediabox.width for page in stored.pages] == [200]


def test_a_renamed_text_file_is_refused_whatever_its_name():
    with pytest.raises(AttachmentRejected):
        prepare(upload("photo.jpg", b"just some text, not a photo", "image/jpeg"))


def test_broken_pdf_is_refused():
    with pytest.raises(AttachmentRejected) as raised:
        prepare(upload("doc.pdf", b"%PDF-1.4 garbage garbage", "application/pdf"))

    assert str(raised.value.message) == "Ce document PDF est illisible."


def test_a_50_mb_file_is_refused_while_reading(settings):
    big = upload("huge.jpg", b"\xff\xd8" + b"0" * (50 * 1024 * 1024), "image/jpeg")
    big.size = None  # as if the client had not said how big it is

    with pytest.raises(AttachmentRejected) as raised:
        prepare(big)

    assert "10 Mo" in str(raised.value.message)


def test_gif_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")

    with pytest.raises(AttachmentRejected):
        prepare(upload("anim.gif", out.getvalue(), "image/gif"))


def test_a_photos_position_is_read_from_its_head_alone():
    from issues.attachments import photo_position
    from tests.media import jpeg_bytes

    exif = Image.open(io.BytesIO(jpeg_bytes(gps=(33.5731, -7.6298)))).getexif()
    noise = Image.merge("RGB", [Image.effect_noise((2000, 1500), 60) for _ in range(3)])
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=90, exif=exif)
    whole = buffer.getvalue()
    head = upload("head.jpg", whole[: 128 * 1024], "image/jpeg")

    lat, lon = photo_position(head)

    assert len(whole) > 128 * 1024
    assert (lat, lon) == pytest.approx((33.5731, -7.6298), abs=1e-4)


def test_a_head_without_position_or_not_a_photo_gives_none():
    from issues.attachments import photo_position
    from tests.media import jpeg_bytes

    assert photo_position(upload("p.jpg", jpeg_bytes()[:4096], "image/jpeg")) is None
    assert photo_position(upload("x.jpg", b"\xff\xd8\xff garbage", "image/jpeg")) is None
    assert photo_position(upload("e.jpg", b"", "image/jpeg")) is None
