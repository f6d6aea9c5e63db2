"""The SMPP backend against a real (small) SMSC on a socket: what reaches it, in what encoding
and parts; outages and resets retried and sent once; receipts and STOP replies received."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from issues.models import OwedSms, SmsOptOut
from issues.services import transition
from issues.sms import inbound
from issues.sms.backends import get_backend
from issues.sms.messages import acknowledgement_text
from issues.tasks import send_owed_emails, send_owed_sms
from tests.issues.sms.smsc import Smsc

pytestmark = pytest.mark.usefixtures("casablanca")


def test_the_acknowledgement_reaches_the_smsc_with_the_number_and_the_tracking_code(
    text_report, smsc
):
    complaint = text_report("anfa")

    assert smsc.binds == ["transceiver"]
    [sms] = smsc.accepted
    assert (sms.destination_ton, sms.destination) == (1, "212661234567")
    assert (sms.source_ton, sms.source) == (5, "CasaMap")
    assert sms.registered_delivery == 1  # a delivery receipt is asked for
    assert sms.data_coding == 0 and sms.udh == b""  # French, GSM-7, one part
    assert sms.text == (
        f"Casa Map : signalement {complaint.reference} enregistré. "
        f"Suivez-le sur http://127.0.0.1:8000/track/{complaint.reference}/"
    )
    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is not None and owed.message_ids == ["M1"]
    assert smsc.unbinds == 1


def test_arabic_arrives_as_ucs2_in_two_parts_joined_by_one_reference(text_report, smsc):
    complaint = text_report("anfa", language="ar")

    first, second = smsc.accepted
    assert first.data_coding == second.data_coding == 8  # UCS-2
    assert first.esm_class & 0x40 and second.esm_class & 0x40  # UDH indicator
    reference = first.udh[3]
    assert first.udh == bytes([5, 0, 3, reference, 2, 1])
    assert second.udh == bytes([5, 0, 3, reference, 2, 2])
    assert len(first.text) == 67  # a full UCS-2 part of a concatenated message
    assert first.text + second.text == acknowledgement_text(complaint)
    assert complaint.reference in first.text + second.text
    assert "تم تسجيل بلاغك" in first.text


def test_with_the_smsc_down_the_sms_stays_owed_and_the_sweeper_sends_it_once(
    text_report, smsc, settings
):
    smsc.stop()
    complaint = text_report("anfa")  # the task and its (eager) retries all find it down
    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is None and owed.message_ids == []

    back = Smsc()
    settings.SMPP_PORT = back.port
    try:
        assert send_owed_emails.apply().get() == 0  # not yet: its own retries come first
        with time_machine.travel(timezone.now() + timedelta(minutes=6)):
            assert send_owed_emails.apply().get() == 1
            send_owed_emails.apply()  # and again: it is sent by now
    finally:
        back.stop()

    assert len(back.accepted) == 1
    assert complaint.reference in back.accepted[0].text
    owed.refresh_from_db()
    assert owed.sent_at is not None


def test_a_connection_reset_before_the_answer_is_retried_and_the_smsc_has_it_once(
    text_report, smsc
):
    smsc.drop_submits = {1}

    complaint = text_report("anfa")

    assert len(smsc.dropped) == 1
    assert len(smsc.accepted) == 1 and complaint.reference in smsc.accepted[0].text
    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.sent_at is not None and owed.attempts == 2 and owed.message_ids == ["M1"]
    assert send_owed_sms.apply(args=[owed.key]).get() is False  # a redelivery: nothing sent
    assert len(smsc.accepted) == 1


def test_a_failure_after_the_first_part_sends_only_the_second_with_the_same_reference(
    text_report, smsc
):
    """The SMSC accepted part 1 (its id committed at once) and went away on part 2: the retry
    sends part 2 alone, in the same concatenated message, so the phone joins the two."""
    smsc.drop_submits = {2}

    complaint = text_report("anfa", language="ar")

    first, second = smsc.accepted
    assert [part.udh[5] for part in smsc.accepted] == [1, 2]
    assert first.udh[3] == second.udh[3] == smsc.dropped[0].udh[3]
    assert first.text + second.text == acknowledgement_text(complaint)
    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.message_ids == ["M1", "M2"] and owed.sent_at is not None


def test_a_number_the_smsc_refuses_is_not_tried_again(text_report, smsc):
    smsc.refuse_destinations = {"212661234567"}

    complaint = text_report("anfa")

    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.skipped and owed.skip_reason == "refused" and owed.attempts == 1
    assert smsc.accepted == []


def test_a_delivery_receipt_is_recorded_on_the_owed_sms(text_report, smsc):
    complaint = text_report("anfa")
    smsc.queue_receipt("M1", state=2, stat="DELIVRD")

    assert get_backend().listen(inbound.receive, max_messages=1) == 1

    owed = OwedSms.objects.get(key=f"submitted:{complaint.pk}")
    assert owed.delivery_status == "DELIVRD" and owed.delivered_at is not None
    assert smsc.binds[-1] == "receiver"
    assert len(smsc.delivered_acks) == 1  # acknowledged once recorded


def test_a_receipt_waiting_at_the_next_bind_is_recorded_by_the_sending_connection(
    text_report, smsc, report_in, django_capture_on_commit_callbacks
):
    first = text_report("anfa")
    smsc.queue_receipt("M1", state=5, stat="UNDELIV")

    text_report("maarif")  # binds as a transceiver: the waiting receipt comes first

    owed = OwedSms.objects.get(key=f"submitted:{first.pk}")
    assert owed.delivery_status == "UNDELIV" and owed.delivered_at is None
    assert len(smsc.accepted) == 2


@pytest.mark.parametrize("reply", ["STOP", "Stop.", "ARRET", "Arrêt", "توقف", "توقّف"])
def test_a_stop_reply_stops_every_further_sms_to_that_number(
    text_report, smsc, reply, django_capture_on_commit_callbacks
):
    complaint = text_report("anfa")
    smsc.queue_reply("212661234567", reply)

    get_backend().listen(inbound.receive, max_messages=1)

    assert SmsOptOut.objects.filter(number="+212661234567").exists()
    with django_capture_on_commit_callbacks(execute=True):
        transition(complaint=complaint, to_status="acknowledged", actor=None)
    assert len(smsc.accepted) == 1  # the acknowledgement only
    update = OwedSms.objects.get(key__startswith="update:")
    assert update.skipped and update.skip_reason == "opted_out"


def test_another_reply_opts_nobody_out(text_report, smsc):
    text_report("anfa")
    smsc.queue_reply("212661234567", "Merci, c'est réparé ?")

    get_backend().listen(inbound.receive, max_messages=1)

    assert not SmsOptOut.objects.exists()


def test_a_wrong_password_is_an_outage_retried_later(text_report, smsc, settings):
    settings.SMPP_PASSWORD = "wrong"

    complaint = text_report("anfa")

    assert OwedSms.objects.get(key=f"submitted:{complaint.pk}").sent_at is None
    assert smsc.accepted == []
