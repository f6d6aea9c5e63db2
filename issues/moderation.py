"""Moderation, the write side: citizens flag a report; moderators (and managers, and city
supervisors) hide or publish it, redact its public text, hide a photo. Every decision is an
internal event with its reason; the citizen's original text and photos stay for staff."""

from __future__ import annotations

import io
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from . import blur
from .attachments import public_copies, thumbnail_bytes
from .errors import InvalidTransition
from .models import Attachment, Complaint, Event, Flag
from .services import bump_data_version_after_commit, record_once_per_device

logger = logging.getLogger(__name__)


class ModerationRefused(InvalidTransition):
    code = "moderation_refused"


@dataclass(frozen=True)
class Decision:
    label: str
    needs_attachment: bool = False


DECISIONS = {
    "hide": Decision(_("Hidden from the public")),
    "publish": Decision(_("Published")),
    "redact": Decision(_("Public text redacted")),
    "hide_photo": Decision(_("Photo hidden from the public"), needs_attachment=True),
    "show_photo": Decision(_("Photo shown again"), needs_attachment=True),
    "blur": Decision(_("Blurred areas of a photo changed"), needs_attachment=True),
}


def may_moderate(user: AbstractBaseUser) -> bool:
    from staff.models import StaffMembership

    if not user.is_authenticated:
        return False
    membership = StaffMembership.objects.filter(user=user).only("role").first()
    return membership is not None and membership.role in {
        StaffMembership.Role.MODERATOR,
        StaffMembership.Role.MANAGER,
        StaffMembership.Role.SUPERVISOR,
    }


def moderate(
    *,
    complaint: Complaint,
    actor: AbstractBaseUser,
    decision: str,
    reason: str,
    public_title: str = "",
    public_description: str = "",
    attachment: Attachment | None = None,
    boxes: list | None = None,
) -> Event:
    """Applies one decision (DECISIONS) with its reason; marks the report's flags reviewed.
    The caller has checked the actor's scope; this checks the role."""
    if not may_moderate(actor):
        raise ModerationRefused(_("Only moderators and managers can moderate reports."))
    if decision not in DECISIONS:
        raise ModerationRefused(_("Unknown moderation decision."))
    reason = reason.strip()
    if not reason:
        raise ModerationRefused(_("Give the reason for this decision."))
    if DECISIONS[decision].needs_attachment and (
        attachment is None or attachment.complaint_id != complaint.pk
    ):
        raise ModerationRefused(_("Choose a photo of this report."))
    now = timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if decision == "hide":
            locked.moderation = Complaint.Moderation.HIDDEN
        elif decision == "publish":
            locked.moderation = Complaint.Moderation.PUBLISHED
        elif decision == "redact":
            locked.public_title = public_title.strip()[:140]
            locked.public_description = public_description.strip()
        elif decision == "blur":
            _blur_again(attachment, boxes or [])
        else:
            Attachment.objects.filter(pk=attachment.pk).update(is_hidden=decision == "hide_photo")
        locked.save(
            update_fields=["moderation", "public_title", "public_description", "updated_at"]
        )
        event = Event.objects.create(
            complaint=locked,
            kind=Event.Kind.MODERATED,
            is_public=False,
            actor=actor,
            internal_note=f"{DECISIONS[decision].label}: {reason}",
            created_at=now,
        )
        Flag.objects.filter(complaint=locked, reviewed_at__isnull=True).update(reviewed_at=now)
    for field in ("moderation", "public_title", "public_description", "updated_at"):
        setattr(complaint, field, getattr(locked, field))
    bump_data_version_after_commit(locked)
    return event


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
        _blur_again(attachment, None)
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


def _blur_again(attachment: Attachment, boxes: list | None) -> None:
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


def flag(
    *,
    complaint: Complaint,
    reason: str,
    device_token: str,
    user: AbstractBaseUser | None = None,
) -> bool:
    """Records a citizen's flag; False if this device or account had already flagged it."""
    if reason not in Flag.Reason.values:
        raise ModerationRefused(_("Choose one of the listed reasons."))
    return record_once_per_device(Flag, complaint, device_token, user, reason=reason)
