"""An SMS backend that keeps the parts in `outbox` (tests), like Django's locmem mail backend."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from .base import BaseSmsBackend, Session

outbox: list[dict] = []


class LocmemSession(Session):
    def submit(self, *, destination, short_message, data_coding, concatenated) -> str:
        message_id = uuid.uuid4().hex[:16]
        outbox.append(
            {
                "destination": destination,
                "short_message": short_message,
                "data_coding": data_coding,
                "concatenated": concatenated,
                "message_id": message_id,
            }
        )
        return message_id


class SmsBackend(BaseSmsBackend):
    @contextmanager
    def session(self, on_inbound=None):
        yield LocmemSession()
