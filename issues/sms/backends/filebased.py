"""An SMS backend for development: each part is written, readable, as a file in SMS_FILE_PATH
(like Django's file mail backend). Nothing leaves the machine."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from ..parts import decode
from .base import BaseSmsBackend, Session


class FileSession(Session):
    def __init__(self, folder: Path):
        self.folder = folder

    def submit(self, *, destination, short_message, data_coding, concatenated) -> str:
        message_id = uuid.uuid4().hex[:16]
        header = short_message[:6].hex(" ") if concatenated else "-"
        body = decode(short_message, data_coding, concatenated=concatenated)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (self.folder / f"{stamp}-{message_id}.sms").write_text(
            f"To: {destination}\nMessage-Id: {message_id}\nData-Coding: {data_coding}\n"
            f"UDH: {header}\n\n{body}\n",
            encoding="utf-8",
        )
        return message_id


class SmsBackend(BaseSmsBackend):
    @contextmanager
    def session(self, on_inbound=None):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        yield FileSession(folder)
