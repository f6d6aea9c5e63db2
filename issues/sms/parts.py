"""A text as the SMS parts an SMSC takes: GSM 03.38 7-bit when every character has a place in
its alphabet, UCS-2 otherwise (Arabic, and Latin text with characters such as ç or ê).

One part holds 160 GSM-7 characters or 70 UCS-2 characters. A longer text is sent as
concatenated parts, each starting with a User Data Header (UDH: 05 00 03 <reference> <count>
<number>), which takes room: 153 GSM-7 characters or 67 UCS-2 characters remain per part.

smpplib.gsm.make_parts does the same split but draws the reference at random and cuts bytes: a
part resent after a failure must carry the reference of the parts already delivered (the phone
joins parts by it), and a cut must not fall inside a GSM escape (€, [, …) or a UTF-16 surrogate
pair (emoji). Here the reference comes from the caller and the cut falls between characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from smpplib import consts
from smpplib.gsm import GSM_CHARACTER_TABLE, gsm_encode

GSM7 = consts.SMPP_ENCODING_DEFAULT  # data_coding 0
UCS2 = consts.SMPP_ENCODING_ISO10646  # data_coding 8
SINGLE = {GSM7: 160, UCS2: 70}  # characters (GSM-7: septets) in a lone part
PER_PART = {GSM7: 153, UCS2: 67}  # … in each part of a concatenated message


@dataclass(frozen=True)
class Encoded:
    data_coding: int
    # Each part's short_message: UDH + payload when there are several, the payload alone else.
    parts: tuple[bytes, ...]

    @property
    def concatenated(self) -> bool:
        return len(self.parts) > 1


def encoding_of(text: str) -> int:
    try:
        gsm_encode(text)
    except UnicodeError:
        return UCS2
    return GSM7


def _units(text: str, data_coding: int) -> list[bytes]:
    """The text as indivisible units: one per character (a GSM escape pair or a UTF-16
    surrogate pair stays whole), each with its size in septets / UTF-16 code units."""
    if data_coding == GSM7:
        return [gsm_encode(character) for character in text]
    return [character.encode("utf-16-be") for character in text]


def _size(unit: bytes, data_coding: int) -> int:
    return len(unit) if data_coding == GSM7 else len(unit) // 2


def count_parts(text: str) -> int:
    data_coding = encoding_of(text)
    total = sum(_size(unit, data_coding) for unit in _units(text, data_coding))
    if total <= SINGLE[data_coding]:
        return 1
    return len(_chunks(_units(text, data_coding), data_coding))


def _chunks(units: list[bytes], data_coding: int) -> list[bytes]:
    chunks, current, size = [], [], 0
    for unit in units:
        unit_size = _size(unit, data_coding)
        if size + unit_size > PER_PART[data_coding]:
            chunks.append(b"".join(current))
            current, size = [], 0
        current.append(unit)
        size += unit_size
    if current:
        chunks.append(b"".join(current))
    return chunks


def encode(text: str, *, reference: int) -> Encoded:
    """`text` as SMS parts; `reference` (0–255) ties concatenated parts together."""
    data_coding = encoding_of(text)
    units = _units(text, data_coding)
    if sum(_size(unit, data_coding) for unit in units) <= SINGLE[data_coding]:
        return Encoded(data_coding, (b"".join(units),))
    chunks = _chunks(units, data_coding)
    if len(chunks) > 255:
        raise ValueError("An SMS has at most 255 parts.")
    header = bytes([0x05, 0x00, 0x03, reference % 256, len(chunks)])
    return Encoded(
        data_coding,
        tuple(header + bytes([number]) + chunk for number, chunk in enumerate(chunks, start=1)),
    )


def fit(template: str, variable: str, *, max_parts: int = 2, **values: str) -> str:
    """`template % {"text": variable, **values}` in at most `max_parts` parts, `variable`
    shortened (with "...") as much as needed; the rest of the template is kept whole."""

    def render(body: str) -> str:
        return " ".join((template % {"text": body, **values}).split())

    whole = render(variable)
    if count_parts(whole) <= max_parts:
        return whole
    low, high = 0, len(variable)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if count_parts(render(variable[:middle].rstrip() + "...")) <= max_parts:
            low = middle
        else:
            high = middle - 1
    return render(variable[:low].rstrip() + "..." if low else "")


def decode(short_message: bytes, data_coding: int, *, concatenated: bool = False) -> str:
    """A part's text (without its UDH when `concatenated`), as a phone would show it."""
    payload = (
        short_message[short_message[0] + 1 :] if concatenated and short_message else short_message
    )
    if data_coding == UCS2:
        return payload.decode("utf-16-be", errors="replace")
    text, escape = [], False
    for byte in payload:
        if byte == 0x1B:
            escape = True
            continue
        index = byte + 0x80 if escape else byte
        text.append(GSM_CHARACTER_TABLE[index] if index < len(GSM_CHARACTER_TABLE) else "?")
        escape = False
    return "".join(text)
