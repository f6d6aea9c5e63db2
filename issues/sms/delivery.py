"""Owed SMS, sent once through the worker, with the e-mails' guarantees (issues.notifications).

`owe(key)` records an OwedSms row in the caller's transaction and hands the key to the worker
after the commit (issues.handover). `deliver(key)` builds the text from the report, splits it
into parts and submits the parts still unsent, each under the row's advisory lock, recording
each part's message id as soon as the SMSC has accepted it (its own commit): a retried task, a
redelivery or the sweeper finds the row sent and stops, and a task that failed half-way (the
SMSC went away after part 1 of 2) sends part 2 only, with the same concatenation reference, so
the phone joins them.

What cannot be made exactly-once: a part the SMSC accepted whose submit_sm_resp never reached
us (connection reset, worker killed between the answer and its commit) is sent again on the
retry. SMPP 3.4 has no idempotency key; the window is one round trip per part (README).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .. import handover
from ..models import OwedSms
from . import inbound, parts
from .backends import SmsRefused, get_backend

logger = logging.getLogger(__name__)

SEND_OWED_SMS = "issues.tasks.send_owed_sms"
# pg_advisory_lock(ADVISORY_CLASS, row id): one sender per owed SMS, released with the
# connection if its worker dies.
ADVISORY_CLASS = 0x534D53  # "SMS"


@dataclass(frozen=True)
class Text:
    destination: str  # E.164
    body: str


# The SMS an owed key stands for, by the key's prefix ("submitted:<complaint id>"), as in
# issues.notifications.BUILDERS; None when there is nothing to send any more.
BUILDERS: dict[str, Callable[[int], Text | None]] = {}


def register_builder(kind: str, build: Callable[[int], Text | None]) -> None:
    BUILDERS[kind] = build


def owe_many(keys: list[str]) -> None:
    OwedSms.objects.bulk_create([OwedSms(key=key) for key in keys], ignore_conflicts=True)
    for key in keys:
        handover.after_commit(SEND_OWED_SMS, key, what="SMS")


def hand_to_worker(key: str) -> None:
    """Never raises: with the broker down, the SMS stays owed and the sweeper sends it."""
    handover.send(SEND_OWED_SMS, key, what="SMS")


@contextmanager
def _locked(owed_id: int) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_CLASS, owed_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [ADVISORY_CLASS, owed_id])


def deliver(key: str) -> bool:
    """Sends the SMS `key` unless it was dealt with; True if it was sent now. A failure of the
    SMSC raises SmsUnavailable (retried later) and keeps the parts already accepted."""
    owed, _created = OwedSms.objects.get_or_create(key=key)
    with _locked(owed.pk):
        owed.refresh_from_db()
        if owed.sent_at is not None:
            return False
        kind, _, object_id = key.partition(":")
        text = BUILDERS[kind](int(object_id))
        if text is None:
            return _skip(owed, "nothing")
        destination = owed.destination or text.destination
        if inbound.is_opted_out(destination):
            return _skip(owed, "opted_out")
        encoded = parts.encode(text.body, reference=owed.pk % 256)
        owed.destination, owed.parts = destination, len(encoded.parts)
        owed.attempts += 1
        owed.save(update_fields=["destination", "parts", "attempts"])
        try:
            with get_backend().session(on_inbound=inbound.receive) as session:
                for part in encoded.parts[len(owed.message_ids) :]:
                    message_id = session.submit(
                        destination=destination,
                        short_message=part,
                        data_coding=encoded.data_coding,
                        concatenated=encoded.concatenated,
                    )
                    owed.message_ids = [*owed.message_ids, message_id]
                    owed.save(update_fields=["message_ids"])  # committed: never sent again
        except SmsRefused as refused:
            logger.warning("SMS %s refused by the SMSC (%s): not retried", key, refused.status)
            return _skip(owed, "refused")
        owed.sent_at = timezone.now()
        owed.save(update_fields=["sent_at"])
    return True


def _skip(owed: OwedSms, reason: str) -> bool:
    owed.sent_at, owed.skipped, owed.skip_reason = timezone.now(), True, reason
    owed.save(update_fields=["sent_at", "skipped", "skip_reason"])
    return False


def owed_keys(*, older_than: timedelta, limit: int = 1000) -> list[str]:
    """Keys of SMS still owed `older_than` after they became due, oldest first."""
    return list(
        OwedSms.objects.filter(sent_at__isnull=True, created_at__lt=timezone.now() - older_than)
        .order_by("created_at", "id")
        .values_list("key", flat=True)[:limit]
    )
