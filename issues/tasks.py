"""Background tasks: citizens' e-mails and SMS (one owed message per task, and the sweeper) and
the blurred public copies of photos (one photo per task, and the sweeper)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import notifications, photos
from .sms import delivery as sms_delivery

# Worth trying again later: the mail server, the SMSC (SmsUnavailable is an OSError) or the
# database did not answer.
TRANSIENT = (smtplib.SMTPException, OSError, OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 12,
}
# An owed e-mail not sent this long after it became due is handed to the worker again.
SWEEP_AFTER = timedelta(minutes=5)


@shared_task(**RETRY)
def send_owed_email(key: str) -> bool:
    return notifications.deliver(key)


@shared_task(**RETRY)
def send_owed_sms(key: str) -> bool:
    return sms_delivery.deliver(key)


@shared_task(**RETRY)
def send_owed_emails() -> int:
    """The sweeper (every 5 minutes): e-mails and SMS whose task the broker lost or never
    received, or whose retries ran out while the server stayed down. Sending one twice is
    harmless: the second finds it sent."""
    keys = notifications.owed_keys(older_than=SWEEP_AFTER)
    for key in keys:
        send_owed_email.delay(key)
    texts = sms_delivery.owed_keys(older_than=SWEEP_AFTER)
    for key in texts:
        send_owed_sms.delay(key)
    return len(keys) + len(texts)


# A photo whose public copy is not made this long after it was received is handed over again.
COPY_SWEEP_AFTER = timedelta(minutes=2)


@shared_task(**RETRY)
def make_public_copy(attachment_id: int) -> bool:
    return photos.make_public_copy(attachment_id)


@shared_task(**RETRY)
def make_missing_public_copies() -> int:
    """The sweeper (every 5 minutes): photos whose task the broker lost or a worker dropped.
    Handing one over twice is harmless: the second finds its copy made, or being made."""
    pending = photos.photos_without_public_copy(older_than=COPY_SWEEP_AFTER)
    for attachment_id in pending:
        make_public_copy.delay(attachment_id)
    return len(pending)


@shared_task(**RETRY)
def apply_retention() -> dict:
    """Daily (Celery beat): law 09-08's retention periods (issues.retention)."""
    from . import retention

    return retention.apply_retention().as_dict()


@shared_task(**RETRY)
def recompute_answer_estimates() -> int:
    """Daily (Celery beat): "usually answered within N days" from the city's history."""
    from . import services

    return len(services.recompute_answer_estimates())


@shared_task(**RETRY)
def train_category_model() -> int:
    """Nightly (Celery beat): the category suggestion retrained on the seed corpus and the
    city's reports (issues.category_suggestion); returns the new model's version."""
    from . import category_suggestion

    return category_suggestion.train().pk
