"""The photos' public copies: a copy of each photo with faces and licence plates blurred
(issues.blur), and its thumbnail, made by the worker after the report's commit
(issues.tasks.make_public_copy), made again when a moderator changes the blurred areas, and
found again by the sweeper when a hand-over to the worker was lost."""

from __future__ import annotations

import io
import logging
import uuid
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from . import blur
from .attachments import public_copies, thumbnail_bytes
from .models import Attachment
from .services import bump_data_version_after_commit

logger = logging.getLogger(__name__)


def make_public_copy(attachment_id: int) -> bool:
    """The blurred public copy (faces and plates detected now) and thumbnail of a photo that has
    none; False when it has one, another worker is making it, or its original is missing from
    the storage (logged as an error each time it is tried: the file was lost, staff must know)."""
    with transaction.atomic():
        attachment = (
            Attachment.objects.select_for_update(skip_locked=True)
            .filter(pk=attachment_id, kind=Attachment.Kind.IMAGE, public_file="")
            .first()
        )
        if attachment is None:
            return False
        if not attachment.file.storage.exists(attachment.file.name):
            logger.error(
                "attachment %s: the original photo is missing, no public copy made", attachment_id
            )
            return False
        blur_again(attachment, None)
    bump_data_version_after_commit(attachment.complaint)
    return True


def photos_without_public_copy(
    older_than: timedelta, received_since: datetime | None = None
) -> list[int]:
    """Photos whose copy was due `older_than` ago and is not made (lost tasks, photos received
    before blurring existed, originals lost), received since `received_since` if given."""
    pending = Attachment.objects.filter(
        kind=Attachment.Kind.IMAGE,
        public_file="",
        created_at__lt=timezone.now() - older_than,
    )
    if received_since is not None:
        pending = pending.filter(created_at__gte=received_since)
    return list(pending.order_by("pk").values_list("pk", flat=True))


def blur_again(attachment: Attachment, boxes: list | None) -> None:
    """Makes the public copy again from the original with exactly these boxes blurred (None:
    detected); the replaced copies are deleted once the change is committed."""
    with attachment.file.open("rb") as original:
        original_bytes = original.read()
    with Image.open(io.BytesIO(original_bytes)) as image:
        clean = image.convert("RGB")
    boxes = blur.detect(clean) if boxes is None else blur.clean_boxes(boxes, clean.size)
    if boxes:
        public, thumbnail = public_copies(clean, boxes)
    else:  # nothing to blur: the stored JPEG itself, not a second-generation copy
        public, thumbnail = original_bytes, thumbnail_bytes(clean)
    replaced = [name for name in (attachment.public_file.name, attachment.thumbnail.name) if name]
    stem = uuid.uuid4().hex
    attachment.public_file.save(f"{stem}-public.jpg", ContentFile(public), save=False)
    attachment.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumbnail), save=False)
    attachment.blur_boxes = boxes
    attachment.save(update_fields=["public_file", "thumbnail", "blur_boxes"])
    storage = attachment.file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in replaced], robust=True)
