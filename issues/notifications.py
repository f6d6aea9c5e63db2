"""E-mails to citizens, in the language they reported in. Sent after the database commit; a mail
failure is logged and never undoes what was saved."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import Complaint, Event

logger = logging.getLogger(__name__)


def _recipient(complaint: Complaint) -> str:
    if complaint.contact_email:
        return complaint.contact_email
    if complaint.reporter is not None:
        return complaint.reporter.email
    return ""


def _send(complaint: Complaint, template: str, context: dict) -> bool:
    recipient = _recipient(complaint)
    if not recipient:
        return False
    with translation.override(complaint.language):
        context = {"complaint": complaint, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"issues/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"issues/email/{template}_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    except (smtplib.SMTPException, OSError):
        logger.exception("could not e-mail %s about %s", template, complaint.reference)
        return False
    return True


def complaint_submitted(complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("authority", "reporter").get(pk=complaint_id)
    return _send(complaint, "submitted", {})


def public_update(event_id: int) -> bool:
    """A status change or message the citizen should hear about."""
    event = Event.objects.select_related("complaint__authority", "complaint__reporter").get(
        pk=event_id
    )
    return _send(event.complaint, "update", {"event": event})
