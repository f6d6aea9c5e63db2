"""Moderation, the write side: citizens flag a report; moderators (and managers, and city
supervisors: issues.policy.may_moderate) hide or publish it, redact its public text, hide a
photo or change its blurred areas (issues.photos), and publish or hide citizens' updates.
Every decision is an internal event with its reason; the citizen's original text and photos
stay for staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import photos, policy
from .errors import InvalidTransition
from .models import Attachment, CitizenUpdate, Complaint, Event, Flag
from .services import bump_data_version_after_commit, record_once_per_device


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
    if not policy.may_moderate(actor):
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
    if decision == "blur" and not attachment.file:
        raise ModerationRefused(
            _("The original of this photo was deleted at the end of its retention period.")
        )
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
            photos.blur_again(attachment, boxes or [])
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


UPDATE_DECISIONS = {
    "publish": _("Citizen's update published"),
    "hide": _("Citizen's update hidden"),
}


def moderate_update(
    *, update: CitizenUpdate, actor: AbstractBaseUser, decision: str, reason: str
) -> Event:
    """Publishes or hides a citizen's update, and its photo with it (hidden from the public
    until then), recording the decision and its reason as an internal event of the report.
    The caller has checked the actor's scope; this checks the role."""
    if not policy.may_moderate(actor):
        raise ModerationRefused(_("Only moderators and managers can moderate reports."))
    if decision not in UPDATE_DECISIONS:
        raise ModerationRefused(_("Unknown moderation decision."))
    reason = reason.strip()
    if not reason:
        raise ModerationRefused(_("Give the reason for this decision."))
    with transaction.atomic():
        locked = CitizenUpdate.objects.select_for_update().get(pk=update.pk)
        locked.moderation = (
            CitizenUpdate.Moderation.PUBLISHED
            if decision == "publish"
            else CitizenUpdate.Moderation.HIDDEN
        )
        locked.save(update_fields=["moderation"])
        if locked.photo_id is not None:
            Attachment.objects.filter(pk=locked.photo_id).update(is_hidden=decision == "hide")
        event = Event.objects.create(
            complaint_id=locked.complaint_id,
            kind=Event.Kind.MODERATED,
            is_public=False,
            actor=actor,
            internal_note=f"{UPDATE_DECISIONS[decision]}: {reason}",
        )
    update.moderation = locked.moderation
    bump_data_version_after_commit(locked.complaint)
    return event


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
