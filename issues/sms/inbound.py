"""What the SMSC sends us (deliver_sm): delivery receipts, recorded on the owed SMS whose part
they name, and citizens' replies, of which STOP (ARRET, توقف) stops every further SMS to that
number. Called by the SMPP backend while it is bound (sending, or manage.py listen_sms)."""

from __future__ import annotations

import logging
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

from casa_map import inputs

from ..models import OwedSms, SmsOptOut
from .backends.base import Inbound

logger = logging.getLogger(__name__)

# Compared once folded (see `keyword`): "Stop", "STOP !", "Arrêt", "ARRET", "توقف", "توقّف".
STOP_WORDS = {"stop", "arret", "توقف"}


def keyword(text: str) -> str:
    """The reply folded: lower case, accents and Arabic diacritics (harakat, shadda, tatweel)
    dropped, letters only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        character
        for character in decomposed
        if unicodedata.category(character).startswith("L") and character != "\u0640"
    )


def receive(message: Inbound) -> None:
    if message.is_receipt:
        record_receipt(message.receipted_id, message.state)
    elif keyword(message.text) in STOP_WORDS:
        number = e164(message.sender)
        if number:
            opt_out(number, keyword=message.text.strip()[:20])
        else:
            logger.warning("STOP from an unreadable number ignored")


def e164(sender: str) -> str:
    """The sender's number as stored on reports: "212661234567" (international, without +),
    "+212661234567" or "0661234567"."""
    for candidate in (sender, "+" + sender.lstrip("+")):
        try:
            return inputs.phone_number(candidate)
        except ValidationError:
            continue
    return ""


def opt_out(number: str, *, keyword: str = "") -> SmsOptOut:
    """No SMS goes to `number` (E.164) any more, those already owed included."""
    opted, _created = SmsOptOut.objects.get_or_create(number=number, defaults={"keyword": keyword})
    return opted


def is_opted_out(number: str) -> bool:
    return SmsOptOut.objects.filter(number=number).exists()


def record_receipt(message_id: str, state: str) -> int:
    """Notes the receipt on the owed SMS that has a part with `message_id`; how many rows."""
    delivered = {"delivered_at": timezone.now()} if state == "DELIVRD" else {}
    return OwedSms.objects.filter(message_ids__contains=[message_id]).update(
        delivery_status=state[:16], **delivered
    )
