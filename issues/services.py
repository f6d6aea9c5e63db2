"""Write-side operations on complaints, called by every interface (web, REST API, Open311)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Category
from districts.routing import route

from . import notifications
from .attachments import PreparedAttachment
from .errors import CategoryUnavailable, InvalidComplaint, SupportRefused
from .models import Attachment, Complaint, Event, Support

logger = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 140
MAX_DESCRIPTION_LENGTH = 5000
REFERENCE_ATTEMPTS = 5


def create_complaint(
    *,
    category: Category,
    location: Point,
    title: str,
    description: str,
    kind: str = Complaint.Kind.COMPLAINT,
    reporter: AbstractBaseUser | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "fr",
    attachments: Sequence[PreparedAttachment] = (),
    is_demo: bool = False,
) -> Complaint:
    """Validates, routes and saves a complaint with its attachments in one transaction.

    Raises InvalidComplaint (with per-field messages) or districts' OutsideServiceArea; nothing is
    saved, and no file is left behind, in either case. The acknowledgement e-mail goes out only
    after the commit, and its failure cannot undo the complaint.
    """
    title, description = title.strip(), description.strip()
    errors = {}
    if not title:
        errors["title"] = _("Give your report a short title.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = _("The title is too long (140 characters at most).")
    if not description:
        errors["description"] = _("Describe the problem.")
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = _("The description is too long (5,000 characters at most).")
    if kind not in Complaint.Kind.values:
        errors["kind"] = _("Choose complaint, observation or suggestion.")
    if len(attachments) > settings.ATTACHMENTS_PER_COMPLAINT:
        errors["attachments"] = _("Attach at most %(count)d files.") % {
            "count": settings.ATTACHMENTS_PER_COMPLAINT
        }
    if errors:
        raise InvalidComplaint(errors)
    if not category.is_active:
        raise CategoryUnavailable()

    now = timezone.now()
    today = timezone.localdate(now)
    stored_files = []
    try:
        with transaction.atomic():
            routing = route(location, category, on=today)
            complaint = Complaint(
                kind=kind,
                category=category,
                title=title,
                description=description,
                location=location,
                arrondissement=routing.arrondissement,
                authority=routing.authority,
                service_area=routing.service_area,
                routing_fell_back=routing.fell_back,
                reporter=reporter if reporter is not None and reporter.is_authenticated else None,
                contact_name=contact_name.strip(),
                contact_email=contact_email.strip(),
                contact_phone=contact_phone.strip(),
                language=language,
                is_demo=is_demo,
                created_at=now,
                acknowledge_by=today + timedelta(days=settings.ACKNOWLEDGE_WITHIN_DAYS),
                answer_by=today + timedelta(days=settings.ANSWER_WITHIN_DAYS),
            )
            _save_with_unique_reference(complaint)
            for prepared in attachments:
                attachment = Attachment(complaint=complaint, kind=prepared.kind, created_at=now)
                attachment.file.save(prepared.content.name, prepared.content, save=False)
                stored_files.append(attachment.file)
                if prepared.thumbnail is not None:
                    attachment.thumbnail.save(
                        prepared.thumbnail.name, prepared.thumbnail, save=False
                    )
                    stored_files.append(attachment.thumbnail)
                attachment.save()
            Event.objects.create(
                complaint=complaint,
                kind=Event.Kind.SUBMITTED,
                to_status=complaint.status,
                authority=complaint.authority,
                public_message=str(routing.explanation),
                actor=complaint.reporter,
                created_at=now,
            )
    except BaseException:
        for stored in stored_files:
            stored.delete(save=False)
        raise
    transaction.on_commit(lambda: notifications.complaint_submitted(complaint.pk))
    return complaint


def _save_with_unique_reference(complaint: Complaint) -> None:
    """A clash among a billion codes is rare but possible: draw again rather than fail."""
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                complaint.save()
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1 or not _reference_taken(complaint.reference):
                raise
            complaint.reference = ""


def _reference_taken(reference: str) -> bool:
    return Complaint.objects.filter(reference=reference).exists()


def device_key(device_token: str) -> str:
    """Supports are counted per device through a random cookie; only its hash is stored."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{device_token}".encode()).hexdigest()


def support_complaint(
    *, complaint: Complaint, device_token: str, user: AbstractBaseUser | None = None
) -> bool:
    """Adds one "me too" to an open complaint. Returns False if this person or device had
    already supported it (the count does not change); raises SupportRefused if it is closed."""
    if not complaint.is_open:
        raise SupportRefused(_("Only open reports can be supported."))
    account = user if user is not None and user.is_authenticated else None
    key = device_key(device_token)
    with transaction.atomic():
        already = Support.objects.filter(complaint=complaint, device_key=key)
        if account is not None:
            already = already | Support.objects.filter(complaint=complaint, user=account)
        if already.exists():
            return False
        try:
            with transaction.atomic():
                Support.objects.create(complaint=complaint, user=account, device_key=key)
        except IntegrityError:  # the same device or person, in a concurrent request
            return False
        Complaint.objects.filter(pk=complaint.pk).update(support_count=F("support_count") + 1)
    complaint.refresh_from_db(fields=["support_count"])
    return True
