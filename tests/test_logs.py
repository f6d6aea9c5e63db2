"""No citizen's e-mail address or phone number reaches the logs, whoever writes the record."""

from __future__ import annotations

import io
import logging

import pytest
from django.core import mail

from districts.models import Category
from issues.services import create_complaint
from issues.tasks import send_owed_email


@pytest.fixture
def log_output():
    """What the configured console handler (with its filters) writes, for this test only."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_addresses_and_phone_numbers_in_messages_are_masked(log_output):
    logging.getLogger("anywhere").warning(
        "from %s, call %s or %s", "amal.b@example.ma", "+212 6 61 23 45 67", "0522-123456"
    )

    written = log_output.getvalue()
    assert "amal.b@example.ma" not in written
    assert "61 23 45 67" not in written
    assert "[e-mail]" in written and "[phone]" in written


def test_a_refused_recipient_in_a_traceback_is_masked(log_output):
    try:
        raise ValueError("SMTP refused {'amal.b@example.ma': (550, b'no such user')}")
    except ValueError:
        logging.getLogger("anywhere").exception("send failed")

    written = log_output.getvalue()
    assert "ValueError" in written
    assert "amal.b@example.ma" not in written


def test_filing_and_failing_to_e_mail_logs_no_personal_data(
    casablanca, point_in, settings, log_output
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    complaint = create_complaint(
        category=Category.objects.get(code="roads-potholes"),
        location=point_in("anfa"),
        title="Nid-de-poule",
        description="Appelez-moi au 0661234567",
        contact_name="Amal Benali",
        contact_email="amal.b@example.ma",
        contact_phone="0661234567",
    )

    send_owed_email.apply(args=[f"submitted:{complaint.pk}"])

    written = log_output.getvalue()
    assert f"submitted:{complaint.pk}" in written  # the failure is logged, by id
    for personal in ("amal.b@example.ma", "0661234567", "Amal Benali"):
        assert personal not in written
    assert mail.outbox == []


def test_ids_that_contain_phone_like_digits_are_left_alone(log_output):
    task_id = "b5370fd1-dd40-0612-3456-bb19eac8bb4e"
    logging.getLogger("anywhere").warning("task %s will retry", task_id)

    assert task_id in log_output.getvalue()
