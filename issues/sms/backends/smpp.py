"""The production SMS backend: an operator's SMSC over SMPP 3.4 (smpplib).

Settings (from the environment): SMPP_HOST, SMPP_PORT, SMPP_SYSTEM_ID, SMPP_PASSWORD,
SMPP_SYSTEM_TYPE, SMPP_BIND (transceiver or transmitter), SMPP_TIMEOUT, SMS_SOURCE_ADDRESS.

A session connects, binds, submits each part with registered delivery (a receipt is asked
for), waits for its submit_sm_resp and returns the SMSC's message id; unbinds at the end.
Bound as a transceiver, it also receives what the SMSC holds for us meanwhile (receipts,
citizens' STOP) and hands it to `on_inbound`; `listen` (manage.py listen_sms) stays bound as a
receiver for the rest.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.smpp
from django.conf import settings

from ..parts import decode
from .base import BaseSmsBackend, Inbound, InboundHandler, Session, SmsRefused, SmsUnavailable

logger = logging.getLogger(__name__)

# Refusals that another try cannot change; any other error status is tried again later.
FINAL_STATUSES = {
    smpplib.consts.SMPP_ESME_RINVDSTADR,
    smpplib.consts.SMPP_ESME_RINVDSTTON,
    smpplib.consts.SMPP_ESME_RINVDSTNPI,
    smpplib.consts.SMPP_ESME_RINVMSGLEN,
}
TON_INTERNATIONAL, TON_ALPHANUMERIC, NPI_ISDN, NPI_UNKNOWN = 1, 5, 1, 0
RECEIPT_ESM_BIT = 0x04
# Receipt states, by the message_state TLV's number (SMPP 3.4, 5.2.28).
MESSAGE_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}


def source_address(address: str) -> tuple[int, int, str]:
    """An alphanumeric sender ("CasaMap") or a number (international)."""
    digits = address.removeprefix("+")
    if digits.isdigit():
        return TON_INTERNATIONAL, NPI_ISDN, digits
    return TON_ALPHANUMERIC, NPI_UNKNOWN, address[:11]


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", errors="replace")
    return value or ""


def inbound_from(pdu) -> Inbound:
    """A deliver_sm as an Inbound: a receipt (esm_class bit 2, its id and state from the TLVs
    or, failing them, from the text "id:… stat:…") or a citizen's message."""
    body = decode(pdu.short_message or b"", pdu.data_coding or 0)
    sender = _text(pdu.source_addr)
    if pdu.source_addr_ton == TON_INTERNATIONAL and sender.isdigit():
        sender = "+" + sender
    if not (pdu.esm_class or 0) & RECEIPT_ESM_BIT:
        return Inbound(sender=sender, text=body)
    fields = dict(
        item.split(":", 1)
        for item in body.replace("submit date", "submit_date").split()
        if ":" in item
    )
    receipted = _text(getattr(pdu, "receipted_message_id", None)) or fields.get("id", "")
    state = MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0) or fields.get("stat", "")
    return Inbound(sender=sender, text=body, receipted_id=receipted, state=state or "UNKNOWN")


class SmppSession(Session):
    def __init__(self, client: smpplib.client.Client, on_inbound: InboundHandler | None):
        self.client = client
        self.on_inbound = on_inbound
        self.source = source_address(settings.SMS_SOURCE_ADDRESS)

    def submit(self, *, destination, short_message, data_coding, concatenated) -> str:
        source_ton, source_npi, source = self.source
        try:
            sent = self.client.send_message(
                source_addr_ton=source_ton,
                source_addr_npi=source_npi,
                source_addr=source,
                dest_addr_ton=TON_INTERNATIONAL,
                dest_addr_npi=NPI_ISDN,
                destination_addr=destination.removeprefix("+"),
                short_message=short_message,
                data_coding=data_coding,
                esm_class=smpplib.consts.SMPP_GSMFEAT_UDHI if concatenated else 0,
                registered_delivery=smpplib.consts.SMPP_SMSC_DELIVERY_RECEIPT_BOTH,
            )
            return self._answer_to(sent.sequence)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as lost:
            # Sent or not, the SMSC never confirmed it: not sent, for us (see README).
            raise SmsUnavailable(f"SMSC connection lost before submit_sm_resp: {lost}") from lost

    def _answer_to(self, sequence: int) -> str:
        """Reads until the submit_sm_resp of `sequence`, answering what comes meanwhile."""
        while True:
            pdu = self.client.read_pdu()
            if pdu.command == "submit_sm_resp" and pdu.sequence == sequence:
                if pdu.is_error():
                    status = int(pdu.status)
                    description = smpplib.consts.DESCRIPTIONS.get(status, "")
                    if status in FINAL_STATUSES:
                        raise SmsRefused(status, description)
                    raise SmsUnavailable(f"SMSC answered {status:#x} {description}")
                return _text(pdu.message_id)
            handle(self.client, pdu, self.on_inbound)


def handle(client: smpplib.client.Client, pdu, on_inbound: InboundHandler | None) -> None:
    """Answers the SMSC's own requests; a deliver_sm is acknowledged only once handled (an
    SMSC keeps, and sends again, what was not acknowledged)."""
    if pdu.command == "deliver_sm":
        if on_inbound is not None:
            on_inbound(inbound_from(pdu))
        answer = smpplib.smpp.make_pdu("deliver_sm_resp", client=client)
        answer.sequence = pdu.sequence
        client.send_pdu(answer)
    elif pdu.command == "enquire_link":
        answer = smpplib.smpp.make_pdu("enquire_link_resp", client=client)
        answer.sequence = pdu.sequence
        client.send_pdu(answer)
    elif pdu.command == "unbind":
        answer = smpplib.smpp.make_pdu("unbind_resp", client=client)
        answer.sequence = pdu.sequence
        client.send_pdu(answer)
        raise SmsUnavailable("the SMSC unbound")


class SmsBackend(BaseSmsBackend):
    @contextmanager
    def _bound(self, mode: str):
        client = smpplib.client.Client(
            settings.SMPP_HOST,
            settings.SMPP_PORT,
            timeout=settings.SMPP_TIMEOUT,
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            getattr(client, f"bind_{mode}")(
                system_id=settings.SMPP_SYSTEM_ID,
                password=settings.SMPP_PASSWORD,
                system_type=settings.SMPP_SYSTEM_TYPE,
            )
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as no:
            client.disconnect()
            raise SmsUnavailable(f"SMSC bind failed: {no}") from no
        try:
            yield client
        finally:
            try:
                if client.state != smpplib.consts.SMPP_CLIENT_STATE_CLOSED:
                    client.unbind()
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
                pass  # the parts are confirmed or not by now; the unbind is a courtesy
            finally:
                client.disconnect()

    @contextmanager
    def session(self, on_inbound=None):
        with self._bound(settings.SMPP_BIND) as client:
            yield SmppSession(client, on_inbound)

    def listen(self, on_inbound, *, max_messages=None, idle_seconds=None) -> int:
        received = 0
        with self._bound("receiver") as client:
            last = time.monotonic()
            while max_messages is None or received < max_messages:
                try:
                    pdu = client.read_pdu()
                except TimeoutError:
                    if idle_seconds is not None and time.monotonic() - last >= idle_seconds:
                        break
                    keepalive = smpplib.smpp.make_pdu("enquire_link", client=client)
                    client.send_pdu(keepalive)
                    continue
                except smpplib.exceptions.ConnectionError as lost:
                    raise SmsUnavailable(f"SMSC connection lost: {lost}") from lost
                last = time.monotonic()
                if pdu.command == "deliver_sm":
                    received += 1
                handle(client, pdu, on_inbound)
        return received
