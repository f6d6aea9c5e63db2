"""Fixtures for the SMS tests: a report filed by a citizen with a mobile number, and the test
SMSC (tests/issues/sms/smsc.py) with the SMPP backend pointed at it."""

from __future__ import annotations

import pytest

from tests.issues.sms.smsc import Smsc

MOBILE = "+212661234567"


@pytest.fixture
def text_report(report_in, django_capture_on_commit_callbacks):
    """`text_report("anfa", language="ar")`: a report filed through the service by a citizen
    who gave a mobile number, its owed SMS handed to the (eager) worker after the commit."""

    def _file(slug: str = "anfa", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return report_in(slug, **({"contact_phone": MOBILE} | fields))

    return _file


@pytest.fixture
def smsc(settings):
    server = Smsc()
    settings.SMS_BACKEND = "issues.sms.backends.smpp.SmsBackend"
    settings.SMPP_HOST, settings.SMPP_PORT = "127.0.0.1", server.port
    settings.SMPP_SYSTEM_ID, settings.SMPP_PASSWORD = server.system_id, server.password
    settings.SMPP_SYSTEM_TYPE, settings.SMPP_BIND, settings.SMPP_TIMEOUT = "", "transceiver", 5
    settings.SMS_SOURCE_ADDRESS = "CasaMap"
    yield server
    server.stop()


@pytest.fixture
def open311_key(casablanca) -> str:
    from rest_framework_api_key.models import APIKey

    _key, secret = APIKey.objects.create_key(name="SMS test integrator")
    return secret
