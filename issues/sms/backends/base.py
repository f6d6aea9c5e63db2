"""What every SMS backend does: a session that submits parts and answers the SMSC's message id
for each, and inbound messages (delivery receipts, citizens' replies) handed to a callback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class SmsUnavailable(OSError):
    """The SMSC could not be reached or did not confirm a part: worth trying again later (an
    OSError, so issues.tasks retries it with the mail server's failures)."""


class SmsRefused(Exception):
    """The SMSC refused a part for good (an invalid destination): trying again changes nothing."""

    def __init__(self, status: int, description: str = ""):
        super().__init__(f"SMSC refused the message: {status:#x} {description}".strip())
        self.status = status


@dataclass(frozen=True)
class Inbound:
    """A deliver_sm: a delivery receipt (`receipted_id` and `state` set) or a citizen's SMS
    (`sender`, `text`)."""

    sender: str
    text: str
    receipted_id: str = ""
    state: str = ""

    @property
    def is_receipt(self) -> bool:
        return bool(self.receipted_id)


InboundHandler = Callable[[Inbound], None]


class Session:
    def submit(
        self, *, destination: str, short_message: bytes, data_coding: int, concatenated: bool
    ) -> str:
        """Sends one part and returns the SMSC's message id once it has accepted it; raises
        SmsUnavailable or SmsRefused otherwise."""
        raise NotImplementedError


class BaseSmsBackend:
    @contextmanager
    def session(self, on_inbound: InboundHandler | None = None) -> Iterator[Session]:
        """A connection to the SMSC for a message's parts; inbound messages arriving meanwhile
        go to `on_inbound`."""
        raise NotImplementedError
        yield  # pragma: no cover

    def listen(
        self,
        on_inbound: InboundHandler,
        *,
        max_messages: int | None = None,
        idle_seconds: float | None = None,
    ) -> int:
        """Receives inbound messages until `max_messages` came or nothing came for
        `idle_seconds` (forever when both are None); returns how many came. Backends without an
        SMSC receive nothing."""
        return 0
