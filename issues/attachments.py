"""Checking and cleaning what citizens attach: photos (JPEG, PNG, WebP, HEIC) and PDF documents.

The type is read from the content, never from the file name or the browser's claim. Photos are
decoded with Pillow and re-encoded as JPEG with no metadata at all (no EXIF GPS, camera, owner),
upright, at most 2,560 px, plus a 480 px thumbnail; a photo's own GPS position is read before it
is stripped, so the page can offer it as the pin.

This is the one gate for files, whichever surface they come through (report form, REST, Open311,
staff photos): a photo's pixel count is read from its header and refused above
ATTACHMENT_MAX_PIXELS before any pixel is decoded (a 21 KB PNG can declare 13,000 × 13,000 px,
1.2 GB once decoded), Pillow's DecompressionBombWarning is an error, and JPEGs are decoded at the
smallest scale that still gives 2,560 px. PDFs must parse (pypdf) and are rebuilt from their
pages alone: the document's actions (OpenAction, JavaScript, embedded files, forms) are not
carried over, nor the pages' and annotations' actions other than links.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, NameObject

from . import blur

pillow_heif.register_heif_opener()

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
MAX_IMAGE_SIDE = 2560
THUMBNAIL_SIDE = 480
JPEG_QUALITY = 85
READ_CHUNK = 64 * 1024


class AttachmentRejected(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass
class PreparedAttachment:
    """A checked attachment, ready to store: the cleaned content. A photo's blurred public copy
    and its thumbnail are made after the commit, by the worker (issues.tasks.make_public_copy):
    finding faces and plates is most of a photo's cost."""

    kind: str  # "image" or "pdf"
    content: ContentFile
    gps: tuple[float, float] | None  # (lat, lon) read from the photo before stripping


def read_limited(upload, limit: int) -> bytes:
    """Reads at most `limit` bytes, refusing more, whatever size the client declared."""
    data = io.BytesIO()
    for chunk in upload.chunks(READ_CHUNK):
        data.write(chunk)
        if data.tell() > limit:
            raise AttachmentRejected(
                _("This file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}
            )
    return data.getvalue()


def prepare(upload) -> PreparedAttachment:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise AttachmentRejected(
            _("This file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}
        )
    raw = read_limited(upload, limit)
    if raw.startswith(b"%PDF-"):
        return _prepare_pdf(raw)
    return _prepare_image(raw)


def photo_position(upload) -> tuple[float, float] | None:
    """The GPS position in a photo's EXIF, read from its first 256 KB alone (where JPEG and
    HEIC keep it), so a phone sends that head rather than the whole photo; the pixels are never
    decoded. None when the head holds no position or is not a photo."""
    head = upload.read(settings.PHOTO_HEAD_BYTES)
    try:
        with Image.open(io.BytesIO(head)) as image:
            return exif_position(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        return None


# Actions a link may carry; any other action of a page or an annotation (JavaScript, Launch,
# SubmitForm, ImportData, GoToR, Rendition…) is dropped.
LINK_ACTIONS = {"/URI", "/GoTo"}
# Annotations that carry files or media rather than marks on the page.
ACTIVE_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/Widget"}


def _prepare_pdf(raw: bytes) -> PreparedAttachment:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if len(reader.pages) == 0:
            raise AttachmentRejected(_("This PDF has no pages."))
        rebuilt = _pages_only(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise AttachmentRejected(_("This PDF document cannot be read.")) from error
    return PreparedAttachment("pdf", ContentFile(rebuilt, name=f"{uuid.uuid4().hex}.pdf"), None)


def _pages_only(reader: PdfReader) -> bytes:
    """A new PDF holding the pages and what they draw, nothing of the document's catalogue
    (OpenAction, /AA, the JavaScript and EmbeddedFiles name trees, AcroForm, XFA), and no
    action on a page or an annotation but links."""
    writer = PdfWriter()
    for page in reader.pages:
        _disarm(page)  # before copying: the writer copies what the page still refers to
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _disarm(page) -> None:
    page.pop(NameObject("/AA"), None)
    annotations = page.get("/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for reference in annotations.get_object():
        annotation = reference.get_object()
        if annotation.get("/Subtype") in ACTIVE_ANNOTATIONS:
            continue
        annotation.pop(NameObject("/AA"), None)
        action = annotation.get("/A")
        if action is not None and action.get_object().get("/S") not in LINK_ACTIONS:
            annotation.pop(NameObject("/A"))
        kept.append(reference)
    page[NameObject("/Annots")] = kept


def _max_pixels() -> int:
    return settings.ATTACHMENT_MAX_PIXELS


def _open_image(raw: bytes) -> Image.Image:
    not_a_photo = _("This file is not a photo (JPEG, PNG, WebP, HEIC) or a PDF we can read.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw))  # reads the header only
            if image.format not in IMAGE_FORMATS:
                raise AttachmentRejected(_("Attach a photo (JPEG, PNG, WebP, HEIC) or a PDF."))
            width, height = image.size
            if width * height > _max_pixels():
                raise AttachmentRejected(
                    _(
                        "This photo has too many pixels (%(width)d × %(height)d): at most "
                        "%(megapixels)d megapixels."
                    )
                    % {"width": width, "height": height, "megapixels": _max_pixels() // 10**6}
                )
            if image.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 scale when that suffices
                image.draft("RGB", (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise AttachmentRejected(
                _("This photo has too many pixels: at most %(megapixels)d megapixels.")
                % {"megapixels": _max_pixels() // 10**6}
            ) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise AttachmentRejected(not_a_photo) from error
    return image


def _prepare_image(raw: bytes) -> PreparedAttachment:
    image = _open_image(raw)
    gps = exif_position(image)
    upright = ImageOps.exif_transpose(image)
    clean = upright.convert("RGB")
    clean.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    return PreparedAttachment(
        "image", ContentFile(_jpeg_bytes(clean), name=f"{uuid.uuid4().hex}.jpg"), gps
    )


def public_copies(clean: Image.Image, boxes: list) -> tuple[bytes, bytes]:
    """The public photo (boxes blurred) and its thumbnail, as JPEG bytes."""
    public = blur.blurred(clean, boxes)
    return _jpeg_bytes(public), thumbnail_bytes(public)


def thumbnail_bytes(image: Image.Image) -> bytes:
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return _jpeg_bytes(thumbnail)


def _jpeg_bytes(image: Image.Image) -> bytes:
    """JPEG with no EXIF, ICC, XMP or comment: Pillow writes only what it is given."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def exif_position(image: Image.Image) -> tuple[float, float] | None:
    """(lat, lon) from the photo's EXIF GPS tags, or None."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (AttributeError, KeyError, ValueError, TypeError):
        return None
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"))
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _degrees(dms, ref) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    return -value if ref in ("S", "W") else value
