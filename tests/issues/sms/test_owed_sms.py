"""Owed SMS follow the citizen's choice and are sent once, like e-mails (in-memory backend)."""

from __future__ import annotations

import pytest
from django.core import mail

from issues.errors import InvalidComplaint
from issues.models import OwedEmail, OwedSms
from issues.services import add_message, transition
from issues.sms import parts
from issues.tasks import send_owed_emails, send_owed_sms

pytestmark = pytest.mark.usefixtures("casablanca")

LANDLINE = "+212522123456"


def texts(outbox) -> list[str]:
    """Each message as the phone shows it: concatenated parts joined by their UDH reference."""
    joined: dict[tuple, str] = {}
    for sms in outbox:
        short_message = sms["short_message"]
        key = (sms["destination"], short_message[3]) if sms["concatenated"] else (len(joined),)
        text = parts.decode(short_message, sms["data_coding"], concatenated=sms["concatenated"])
        joined[key] = joined.get(key, "") + text
    return list(joined.values())


def test_a_mobile_number_alone_gets_the_acknowledgement_by_sms_once(text_report, sms_outbox):
    complaint = text_report("anfa")

    assert complaint.notify_by == "sms"
    assert [sms["destination"] for sms in sms_outbox] == ["+212661234567"]
    assert complaint.reference in texts(sms_outbox)[0]
    assert not OwedEmail.objects.exists() and mail.outbox == []
    key = f"submitted:{complaint.pk}"
    assert send_owed_sms.apply(args=[key]).get() is False  # a retried task, a redelivery
    send_owed_emails.apply()  # the sweeper
    assert len(sms_outbox) == 1


def test_both_contacts_get_both_by_default(text_report, sms_outbox):
    complaint = text_report("anfa", contact_email="citoyen@example.org")

    assert complaint.notify_by == "both"
    assert len(sms_outbox) == 1 and len(mail.outbox) == 1


def test_choosing_email_with_a_mobile_sends_no_sms(text_report, sms_outbox):
    complaint = text_report("anfa", contact_email="citoyen@example.org", notify_by="email")

    assert complaint.contact_phone == "+212661234567"  # kept as a contact
    assert sms_outbox == [] and len(mail.outbox) == 1
    assert not OwedSms.objects.exists()


def test_choosing_no_messages_sends_nothing(text_report, sms_outbox):
    text_report("anfa", contact_email="citoyen@example.org", notify_by="none")

    assert sms_outbox == [] and mail.outbox == []
    assert not OwedSms.objects.exists() and not OwedEmail.objects.exists()


def test_a_landline_is_kept_but_never_texted(text_report, sms_outbox):
    complaint = text_report("anfa", contact_phone=LANDLINE)

    assert complaint.contact_phone == LANDLINE and complaint.notify_by == "none"
    transition(complaint=complaint, to_status="acknowledged", actor=None)
    assert sms_outbox == [] and not OwedSms.objects.exists()


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({"contact_phone": LANDLINE}, "un numéro mobile marocain"),
        ({"contact_phone": "+33612345678"}, "un numéro mobile marocain"),
        ({}, "Indiquez un numéro de téléphone mobile"),
    ],
)
def test_sms_is_refused_without_a_moroccan_mobile_and_nothing_is_filed(report_in, contact, message):
    with pytest.raises(InvalidComplaint) as refused:
        report_in("anfa", notify_by="sms", **contact)

    assert message in str(refused.value.errors["notify_by"])
    assert not OwedSms.objects.exists()


def test_each_public_status_change_and_answer_is_texted_in_the_citizens_language(
    text_report, sms_outbox, django_capture_on_commit_callbacks
):
    complaint = text_report("anfa", language="ar")
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        transition(complaint=complaint, to_status="acknowledged", actor=None)
        add_message(complaint=complaint, actor=None, internal_note="Note interne seulement.")
        add_message(complaint=complaint, actor=None, public_message="سيتم الإصلاح هذا الأسبوع.")

    status, answer = texts(sms_outbox)
    assert status.startswith(f"كازا ماب {complaint.reference}: تم التكفل بها.")
    assert "سيتم الإصلاح هذا الأسبوع." in answer and "الرد" in answer
    assert all(sms["data_coding"] == 8 for sms in sms_outbox)


def test_a_long_answer_is_shortened_to_two_parts_with_its_link(
    text_report, sms_outbox, django_capture_on_commit_callbacks
):
    complaint = text_report("anfa")
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        add_message(complaint=complaint, actor=None, public_message="Les travaux " * 100)

    assert len(sms_outbox) == 2
    text = "".join(texts(sms_outbox))
    assert text.startswith(f"Casa Map {complaint.reference}, réponse : Les travaux")
    assert text.endswith(f"... http://127.0.0.1:8000/track/{complaint.reference}/")
