"""SMS backends, chosen by settings.SMS_BACKEND like Django's EMAIL_BACKEND: `filebased` (the
default: one file per part in SMS_FILE_PATH, for development), `locmem` (tests) and `smpp` (an
operator's SMSC, production)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BaseSmsBackend, Inbound, SmsRefused, SmsUnavailable

__all__ = ["BaseSmsBackend", "Inbound", "SmsRefused", "SmsUnavailable", "get_backend"]


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
