"""A small SMSC for the tests: an SMPP 3.4 server on 127.0.0.1 (an ephemeral port), threads
only, written from the specification rather than with smpplib (the library under test).

It answers bind_transmitter / bind_receiver / bind_transceiver (checking the system_id and the
password), submit_sm (with a submit_sm_resp carrying a message id: the part is then
"accepted"), enquire_link and unbind; it sends queued deliver_sm (receipts, citizens' replies)
to a receiver or transceiver as soon as it binds, and records their deliver_sm_resp. Faults on
demand: `drop_submits` closes the connection when the n-th submit_sm arrives (counting from 1,
over the server's life) without answering it; that part is not accepted; `hold_submits` keeps
the n-th submit_sm unanswered until the client goes away (`holding` is set meanwhile, so a test
can kill the worker then), the part not accepted, or accepted with its answer lost when
`hold_accepts`; `stop()` is an SMSC that is down (connection refused).
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass, field

BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER = 0x01, 0x02, 0x09
SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK, GENERIC_NACK = 0x04, 0x05, 0x06, 0x15, 0x80000000
RESP = 0x80000000
# GSM 03.38's basic alphabet, one septet per character (SMPP carries them unpacked).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>"
    "?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
BIND_NAMES = {
    BIND_RECEIVER: "receiver",
    BIND_TRANSMITTER: "transmitter",
    BIND_TRANSCEIVER: "transceiver",
}
ESME_RINVPASWD, ESME_RINVDSTADR = 0x0E, 0x0B
TLV_RECEIPTED_MESSAGE_ID, TLV_MESSAGE_STATE = 0x001E, 0x0427


@dataclass
class Submitted:
    """A submit_sm as the SMSC read it."""

    source_ton: int
    source: str
    destination_ton: int
    destination: str
    esm_class: int
    registered_delivery: int
    data_coding: int
    short_message: bytes
    message_id: str = ""

    @property
    def udh(self) -> bytes:
        return self.short_message[: self.short_message[0] + 1] if self.esm_class & 0x40 else b""

    @property
    def text(self) -> str:
        payload = self.short_message[len(self.udh) :]
        if self.data_coding == 8:
            return payload.decode("utf-16-be")
        return "".join(GSM_BASIC[byte] for byte in payload)  # no escapes in the tests' texts


@dataclass
class Smsc:
    system_id: str = "casamap"
    password: str = "secret"
    drop_submits: set[int] = field(default_factory=set)
    hold_submits: set[int] = field(default_factory=set)
    hold_accepts: bool = False
    refuse_destinations: set[str] = field(default_factory=set)
    accepted: list[Submitted] = field(default_factory=list)
    dropped: list[Submitted] = field(default_factory=list)
    binds: list[str] = field(default_factory=list)
    delivered_acks: list[int] = field(default_factory=list)  # sequence numbers acknowledged
    pending_inbound: list[bytes] = field(default_factory=list)  # deliver_sm bodies to send
    unbinds: int = 0

    def __post_init__(self):
        self.lock = threading.Lock()
        self.submits_seen = 0
        self.holding = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() below (Linux)
        self.listener.close()
        self.thread.join(timeout=5)

    # --- what the tests queue --------------------------------------------------------------

    def queue_receipt(self, message_id: str, *, state: int = 2, stat: str = "DELIVRD") -> None:
        text = (
            f"id:{message_id} sub:001 dlvrd:001 submit date:2612031200 done date:2612031201 "
            f"stat:{stat} err:000 text:"
        ).encode("ascii")
        tlvs = _tlv(TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\0") + _tlv(
            TLV_MESSAGE_STATE, bytes([state])
        )
        self.pending_inbound.append(_deliver_sm("212661234567", "CasaMap", 0x04, 0, text) + tlvs)

    def queue_reply(self, sender: str, text: str) -> None:
        """A citizen's SMS from `sender` (international digits, no +)."""
        try:
            encoded, coding = text.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, coding = text.encode("utf-16-be"), 8
        self.pending_inbound.append(_deliver_sm(sender, "CasaMap", 0, coding, encoded))

    # --- the server ------------------------------------------------------------------------

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _session(self, connection: socket.socket) -> None:
        with connection:
            while True:
                try:
                    header = _read_exactly(connection, 16)
                except ConnectionError:
                    return
                length, command, _status, sequence = struct.unpack(">IIII", header)
                body = _read_exactly(connection, length - 16)
                if not self._answer(connection, command, sequence, body):
                    return

    def _answer(self, connection, command: int, sequence: int, body: bytes) -> bool:
        """Answers one PDU; False when the connection is to be closed."""
        if command in BIND_NAMES:
            system_id, rest = _cstring(body)
            password, _rest = _cstring(rest)
            if (system_id, password) != (self.system_id, self.password):
                _send(connection, command | RESP, sequence, b"\0", status=ESME_RINVPASWD)
                return False
            self.binds.append(BIND_NAMES[command])
            _send(connection, command | RESP, sequence, b"FAKESMSC\0")
            if command != BIND_TRANSMITTER:
                with self.lock:
                    waiting, self.pending_inbound[:] = list(self.pending_inbound), []
                for number, deliver in enumerate(waiting, start=1000):
                    _send(connection, DELIVER_SM, number, deliver)
            return True
        if command == SUBMIT_SM:
            submitted = _parse_submit(body)
            with self.lock:
                self.submits_seen += 1
                hold = self.submits_seen in self.hold_submits
            if hold:
                return self._hold(connection, submitted)
            with self.lock:
                drop = self.submits_seen in self.drop_submits
                if drop:
                    self.dropped.append(submitted)
                elif submitted.destination in self.refuse_destinations:
                    _send(connection, SUBMIT_SM | RESP, sequence, b"\0", status=ESME_RINVDSTADR)
                    return True
                else:
                    submitted.message_id = f"M{len(self.accepted) + 1}"
                    self.accepted.append(submitted)
            if drop:
                connection.shutdown(socket.SHUT_RDWR)  # reset before the submit_sm_resp
                return False
            _send(connection, SUBMIT_SM | RESP, sequence, submitted.message_id.encode() + b"\0")
            return True
        if command == DELIVER_SM | RESP:
            self.delivered_acks.append(sequence)
            return True
        if command == ENQUIRE_LINK:
            _send(connection, ENQUIRE_LINK | RESP, sequence, b"")
            return True
        if command == UNBIND:
            self.unbinds += 1
            _send(connection, UNBIND | RESP, sequence, b"")
            return False
        _send(connection, GENERIC_NACK, sequence, b"", status=0x03)
        return True

    def _hold(self, connection, submitted: Submitted) -> bool:
        """Leaves `submitted` unanswered until the client goes away."""
        with self.lock:
            if self.hold_accepts:
                submitted.message_id = f"M{len(self.accepted) + 1}"
                self.accepted.append(submitted)
            else:
                self.dropped.append(submitted)
        self.holding.set()
        try:
            while connection.recv(1024):  # until the client is gone
                pass
        except OSError:
            pass
        return False


def _read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _send(connection, command: int, sequence: int, body: bytes, *, status: int = 0) -> None:
    connection.sendall(struct.pack(">IIII", 16 + len(body), command, status, sequence) + body)


def _cstring(data: bytes) -> tuple[str, bytes]:
    end = data.index(b"\0")
    return data[:end].decode("ascii"), data[end + 1 :]


def _parse_submit(body: bytes) -> Submitted:
    _service_type, rest = _cstring(body)
    source_ton, _source_npi = rest[0], rest[1]
    source, rest = _cstring(rest[2:])
    destination_ton, _destination_npi = rest[0], rest[1]
    destination, rest = _cstring(rest[2:])
    esm_class, _protocol_id, _priority = rest[0], rest[1], rest[2]
    _schedule, rest = _cstring(rest[3:])
    _validity, rest = _cstring(rest)
    registered_delivery, _replace, data_coding, _default_id, length = rest[:5]
    return Submitted(
        source_ton=source_ton,
        source=source,
        destination_ton=destination_ton,
        destination=destination,
        esm_class=esm_class,
        registered_delivery=registered_delivery,
        data_coding=data_coding,
        short_message=rest[5 : 5 + length],
    )


def _tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def _deliver_sm(source: str, destination: str, esm_class: int, coding: int, text: bytes) -> bytes:
    return (
        b"\0"  # service_type
        + bytes([1, 1])
        + source.encode()
        + b"\0"
        + bytes([5, 0])
        + destination.encode()
        + b"\0"
        + bytes([esm_class, 0, 0])
        + b"\0\0"  # schedule_delivery_time, validity_period
        + bytes([0, 0, coding, 0, len(text)])
        + text
    )
