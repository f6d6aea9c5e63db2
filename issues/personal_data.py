"""Personal data a citizen types into a report's public text — a phone number, an e-mail
address, a national identity card (CIN) number — masked in the public copy at filing (Morocco's
law 09-08: published only what the purpose needs). Staff keep the original; the masking is
recorded on the timeline as a moderation, and a moderator can still redact by hand.

Phone numbers are found by Google's libphonenumber (`phonenumbers`' matcher, valid numbers
only, Moroccan by default, international ones too), so a street number, a date, a year or a
tracking code is not taken for one; CIN numbers are one or two capital letters and 5–6 digits
(e.g. "BE123456")."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.utils import translation
from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CIN = re.compile(r"(?<![\w-])[A-Z]{1,2}\d{5,6}(?![\w-])")


@dataclass(frozen=True)
class Masked:
    text: str
    kinds: frozenset[str]  # "phone", "email", "cin"

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def mask(text: str, *, language: str = "fr") -> Masked:
    """`text` with each phone number, e-mail address and CIN number replaced by a placeholder
    in `language`."""
    with translation.override(language):
        placeholder = _("[hidden]")
    kinds = set()

    def hide(kind):
        def replace(_match):
            kinds.add(kind)
            return placeholder

        return replace

    text = EMAIL.sub(hide("email"), text)
    spans = [
        (found.start, found.end)
        for found in phonenumbers.PhoneNumberMatcher(
            text, "MA", leniency=phonenumbers.Leniency.VALID
        )
    ]
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
        kinds.add("phone")
    text = CIN.sub(hide("cin"), text)
    return Masked(text=text, kinds=frozenset(kinds))
