"""The input gate: parsing and bounding what a request carries, once, for every surface.

Forms, django-filter filter sets, DRF views, Open311 parameters and feed arguments all take their
points, boxes, dates, whole numbers and texts through the callables and form fields here, so a
value refused on one surface is refused, with the same words, on every other. Characters no
interface may carry (NUL, other C0 controls, lone surrogates) are refused even earlier, for the
whole request, by casa_map.middleware.UnstorableTextMiddleware.

Each parser raises django.core.exceptions.ValidationError with a message in the visitor's
language (and no error code: no interface reads one, each shows the message); each interface
translates it into its own error format (a form error, the API's `invalid_parameter`, Open311's
error list, a feed's 404).
"""

from __future__ import annotations

import math
from datetime import date, datetime

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

# Web Mercator (every map of the site, the heat map's grid) reaches the poles only at infinity:
# its maps stop at this latitude, and a box beyond it overflows the grid's arithmetic.
MERCATOR_MAX_LATITUDE = 85.0511287798
# Dates the site can meaningfully be asked about: nothing was reported before the first, and
# the arithmetic of windows and deadlines must not run past the calendar's end.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
# Page numbers past this are refused rather than multiplied into an OFFSET.
MAX_PAGE = 100_000

Box = tuple[float, float, float, float]


def finite_number(value, message) -> float:
    """`value` (a number or its text) as a finite float; `message` otherwise."""
    if isinstance(value, bool):
        raise ValidationError(message)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as bad:
        raise ValidationError(message) from bad
    if not math.isfinite(number):
        raise ValidationError(message)
    return number


def coordinates(lat, lon) -> tuple[float, float]:
    """A latitude and a longitude in WGS 84 degrees, finite and in range."""
    message = _("The pin's coordinates are not valid.")
    lat, lon = finite_number(lat, message), finite_number(lon, message)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(message)
    return lat, lon


def box(text) -> Box | None:
    """`west,south,east,north` in WGS 84 degrees: four finite numbers, in order, within the
    latitudes a Web Mercator map can show. None when empty."""
    if text in (None, ""):
        return None
    message = _("Give four numbers: west,south,east,north.")
    if not isinstance(text, str):
        raise ValidationError(message)
    parts = text.split(",")
    if len(parts) != 4:
        raise ValidationError(message)
    west, south, east, north = (finite_number(part, message) for part in parts)
    if not (-180 <= west < east <= 180):
        raise ValidationError(message)
    if not (-MERCATOR_MAX_LATITUDE <= south < north <= MERCATOR_MAX_LATITUDE):
        raise ValidationError(_("Latitudes must lie between -85.05 and 85.05 (the map's limits)."))
    return west, south, east, north


def whole_number(value, *, low: int, high: int, name: str = "") -> int:
    """A whole number from `low` to `high` (its text may not be longer than the bound's)."""
    message = _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
    if isinstance(value, bool):
        raise ValidationError(message)
    if isinstance(value, int):
        number = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        digits = text.removeprefix("-")
        if not digits.isdigit() or not digits.isascii() or len(digits) > len(str(high)) + 1:
            raise ValidationError(message)
        number = int(text)
    if not low <= number <= high:
        raise ValidationError(message)
    return number


def page_number(value, *, high: int = MAX_PAGE) -> int:
    """A page number (1 by default, when absent)."""
    if value in (None, ""):
        return 1
    return whole_number(value, low=1, high=high)


def day_in_range(day: date) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
        )
    return day


def moment(text: str) -> datetime | None:
    """A W3C date-time (aware; a naive one is taken in the city's time zone) within the sane
    range of dates. None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("Give a W3C date-time, e.g. 2026-03-01T00:00:00Z."))
    day_in_range(parsed.date())
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def text(value, *, max_length: int | None = None) -> str:
    """A string, and nothing else (a JSON list or number where text is expected is refused
    rather than turned into "['a', 'b']"), stripped, at most `max_length` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(_("Give text here."))
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise ValidationError(_("At most %(count)d characters.") % {"count": max_length})
    return value


# --- The same rules as form fields (Django forms, django-filter, and the API's forms) --------


class TextField(forms.CharField):
    """A CharField that takes strings only: the API hands forms JSON values as they came."""

    default_error_messages = {"not_text": _("Give text here.")}

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError(self.error_messages["not_text"])
        return super().to_python(value)


class BoxField(forms.CharField):
    """`west,south,east,north` in WGS 84 degrees (see `box`)."""

    def clean(self, value) -> Box | None:
        return box(super().clean(value))


class BoundedDateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE."""

    def to_python(self, value):
        day = super().to_python(value)
        return day_in_range(day) if day is not None else None


def text_list(value, *, max_items: int, max_length: int = 200) -> list[str]:
    """A list of strings (a form's repeated field or a JSON array), at most `max_items`."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of texts."))
    if len(value) > max_items:
        raise ValidationError(_("At most %(count)d items.") % {"count": max_items})
    return [text(item, max_length=max_length) for item in value]


# --- Phone numbers ------------------------------------------------------------------------
# Read as a Moroccan would write them ("0661-23-45-67", "06 61 23 45 67", "+212 6 61 23 45 67",
# "00212661234567"), stored in E.164 ("+212661234567"): one spelling per number, so an opt-out
# (issues.models.SmsOptOut) finds it whatever way it was typed.
PHONE_REGION = "MA"
# Longer than any number written with its spaces and dashes; refused before parsing.
PHONE_MAX_LENGTH = 32


def phone_number(value) -> str:
    """A valid phone number in E.164, "" when empty. Foreign numbers are kept as contacts;
    whether one can be texted is `can_receive_sms`'s question."""
    value = text(value, max_length=PHONE_MAX_LENGTH)
    if not value:
        return ""
    message = _("Enter a valid phone number, e.g. 06 61 23 45 67 or +212 6 61 23 45 67.")
    try:
        parsed = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as unreadable:
        raise ValidationError(message) from unreadable
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(message)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def can_receive_sms(e164: str) -> bool:
    """A Moroccan mobile number: the only numbers the site texts (a landline or a foreign
    number is kept as a contact for the staff, never texted)."""
    try:
        parsed = phonenumbers.parse(e164, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(parsed)
        and phonenumbers.region_code_for_number(parsed) == PHONE_REGION
        and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    )


class PhoneInput(forms.TextInput):
    input_type = "tel"

    def __init__(self, attrs=None):
        # Digits read left to right on Arabic pages too.
        super().__init__({"autocomplete": "tel", "dir": "ltr", **(attrs or {})})


class PhoneField(forms.CharField):
    """A phone number, cleaned to E.164 (see `phone_number`)."""

    widget = PhoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PHONE_MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value) -> str:
        if value not in self.empty_values and not isinstance(value, str):
            raise ValidationError(_("Give text here."))
        return phone_number(super().clean(value))
