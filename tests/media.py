"""Files for upload tests, made on the fly: photos with real EXIF (GPS, camera), PDFs, junk."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _rational(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (degrees, minutes, seconds)


def jpeg_bytes(*, gps: tuple[float, float] | None = None, size=(1200, 900), fmt="JPEG") -> bytes:
    """A photo with camera make/model and, optionally, a GPS position in its EXIF."""
    image = Image.new("RGB", size, (180, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "PhoneModel X"  # Model
    if gps is not None:
        lat, lon = gps
        exif[0x8825] = {
            1: "N" if lat >= 0 else "S",
            2: _rational(abs(lat)),
            3: "E" if lon >= 0 else "W",
            4: _rational(abs(lon)),
        }
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def photo_upload(name="photo.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def pdf_bytes() -> bytes:
    """A minimal one-page PDF, written by hand (xref offsets computed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def upload(
    name: str, content: bytes, content_type="application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def with_public_copies(complaint):
    """What the worker does after a report's commit (issues.tasks.make_public_copy: the blurred
    public copy and thumbnail of each photo), done now: a test's transaction never commits, so
    its on_commit callbacks never hand the photos over."""
    from issues.models import Attachment
    from issues.tasks import make_public_copy

    photos = complaint.attachments.filter(kind=Attachment.Kind.IMAGE).order_by("pk")
    for attachment_id in photos.values_list("pk", flat=True):
        make_public_copy(attachment_id)
    return complaint
