"""Logging that keeps citizens' personal data out of the logs, whoever writes the record."""

from __future__ import annotations

import logging
import re

# E-mail addresses, and Moroccan phone numbers (+212 / 00212 / 0, then 5, 6 or 7 and 8 digits,
# with or without spaces, dots or dashes) standing alone, not inside a task id or a UUID.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w.-])(?:\+212|00212|0)[\s.-]?[5-7](?:[\s.-]?\d){8}(?![\w-])")


def redact(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[e-mail]", text))


class RedactPersonalData(logging.Filter):
    """Masks e-mail addresses and phone numbers in the message and the traceback of every record
    (a library's exception text can quote an address, as smtplib's refused recipients do)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
