"""E-mails and SMS to citizens, in the language they reported in, sent once each, by the means
they chose (Complaint.notify_by; the SMS side is issues.sms).

A service that makes an e-mail due calls `owe(key)` inside its transaction: the OwedEmail row
commits with the report or the status change, and the worker is handed its key after the commit.
`deliver(key)` builds and sends the message under a lock on that row and marks it sent, so a
retried task, a duplicate delivery from the broker or the sweeper finds it sent and stops. A mail
failure never undoes what was saved: the task retries with backoff (issues.tasks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import handover
from .models import Complaint, Event, OwedEmail
from .sms import delivery as sms_delivery
from .sms import messages as sms_messages

logger = logging.getLogger(__name__)

SUBMITTED = "submitted"
UPDATE = "update"
SEND_OWED_EMAIL = "issues.tasks.send_owed_email"


def recipient(complaint: Complaint) -> str:
    """The address to write to about `complaint`, "" when the citizen chose no e-mail."""
    if not complaint.wants_email:
        return ""
    if complaint.contact_email:
        return complaint.contact_email
    if complaint.reporter is not None:
        return complaint.reporter.email
    return ""


def sms_recipient(complaint: Complaint) -> str:
    return sms_messages.recipient(complaint)


def owe_acknowledgement(complaint: Complaint) -> None:
    _owe_by_choice(complaint, f"{SUBMITTED}:{complaint.pk}")


def owe_public_update(event: Event) -> None:
    """A status change or message the citizen should hear about."""
    _owe_by_choice(event.complaint, f"{UPDATE}:{event.pk}")


def _owe_by_choice(complaint: Complaint, key: str) -> None:
    if recipient(complaint):
        owe(key)
    if sms_recipient(complaint):
        sms_delivery.owe_many([key])


def owe(key: str) -> None:
    """Records an owed e-mail in the caller's transaction; the worker gets it after the commit."""
    owe_many([key])


def owe_many(keys: list[str]) -> None:
    # INSERT … ON CONFLICT DO NOTHING: idempotent in one statement on the filing path.
    OwedEmail.objects.bulk_create([OwedEmail(key=key) for key in keys], ignore_conflicts=True)
    for key in keys:
        handover.after_commit(SEND_OWED_EMAIL, key, what="e-mail")


def hand_to_worker(key: str) -> None:
    """Never raises: with the broker down, the e-mail stays owed and the sweeper sends it."""
    handover.send(SEND_OWED_EMAIL, key, what="e-mail")


def send_once(key: str, build: Callable[[], EmailMessage | None]) -> bool:
    """Sends what `build()` returns unless the e-mail `key` was already dealt with; True if sent.
    Concurrent attempts wait on the row's lock. A failing send raises and leaves it owed."""
    with transaction.atomic():
        owed, _created = OwedEmail.objects.select_for_update().get_or_create(key=key)
        if owed.sent_at is not None:
            return False
        message = build()
        if message is not None:
            message.extra_headers["Message-ID"] = message_id(key)
            message.send()
        owed.sent_at = timezone.now()
        owed.skipped = message is None
        owed.save(update_fields=["sent_at", "skipped"])
    return message is not None


def message_id(key: str) -> str:
    """The same Message-ID every time the e-mail `key` is sent. Sending and marking it sent
    cannot be one atomic step: if a worker dies between the two, the message goes out twice,
    and mail systems recognise the second copy by this header."""
    domain = urlsplit(settings.SITE_URL).hostname or "casamap.local"
    return f"<{key.replace(':', '.')}@{domain}>"


# The e-mail an owed key stands for, by the key's prefix: "submitted:<complaint id>" → builder(id).
BUILDERS: dict[str, Callable[[int], EmailMessage | None]] = {}


def register_builder(kind: str, build: Callable[[int], EmailMessage | None]) -> None:
    """Lets another app owe e-mails of its own (alerts register theirs in AppConfig.ready)."""
    BUILDERS[kind] = build


def deliver(key: str) -> bool:
    kind, _, object_id = key.partition(":")
    return send_once(key, partial(BUILDERS[kind], int(object_id)))


def owed_keys(*, older_than: timedelta, limit: int = 1000) -> list[str]:
    """Keys of e-mails still owed `older_than` after they became due, oldest first."""
    return list(
        OwedEmail.objects.filter(sent_at__isnull=True, created_at__lt=timezone.now() - older_than)
        .order_by("created_at", "id")
        .values_list("key", flat=True)[:limit]
    )


def _acknowledgement(complaint_id: int) -> EmailMessage | None:
    complaint = (
        Complaint.objects.select_related("authority", "reporter").filter(pk=complaint_id).first()
    )
    return _message(complaint, "submitted", {}) if complaint else None


def _public_update(event_id: int) -> EmailMessage | None:
    event = (
        Event.objects.select_related("complaint__authority", "complaint__reporter")
        .filter(pk=event_id)
        .first()
    )
    return _message(event.complaint, "update", {"event": event}) if event else None


register_builder(SUBMITTED, _acknowledgement)
register_builder(UPDATE, _public_update)


def _message(complaint: Complaint, template: str, context: dict) -> EmailMessage | None:
    address = recipient(complaint)
    if not address:
        return None
    with translation.override(complaint.language):
        context = {"complaint": complaint, "site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"issues/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"issues/email/{template}_body.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
