"""Choosing SMS on the report page, in a real browser: the choice is in the summary before
sending; a landline with SMS is refused beside the field and in the error summary; a mobile
number is stored in E.164 and the confirmation says SMS will come."""

from __future__ import annotations

import pytest

from issues.models import Complaint
from tests.e2e.test_report_errors_and_order import fill_a_report

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("media_in_tmp")]


def test_a_citizen_chooses_sms_is_refused_for_a_landline_then_texted_on_a_mobile(live_city, page):
    page.goto(live_city.url + "/report/")
    fill_a_report(page)
    page.fill("input[name=contact_phone]", "05 22 12 34 56")
    page.get_by_label("Par SMS", exact=True).check()

    assert "Par SMS" in page.locator("#report-summary").inner_text()
    page.click("#send-report")

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "numéro mobile marocain" in summary.inner_text()
    assert "numéro mobile marocain" in page.locator("#notify-choices").inner_text()
    assert not Complaint.objects.exists()

    page.fill("input[name=contact_phone]", "0661-23-45-67")
    page.click("#send-report")
    page.get_by_test_id("updates-by-sms").wait_for()

    complaint = Complaint.objects.get()
    assert (complaint.contact_phone, complaint.notify_by) == ("+212661234567", "sms")
