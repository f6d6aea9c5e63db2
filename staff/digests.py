"""The daily e-mail telling each authority what is overdue in its queue."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from districts.models import Authority
from issues.models import Complaint
from issues.notifications import send_once

logger = logging.getLogger(__name__)


@dataclass
class DigestReport:
    sent: dict[str, int]
    without_address: list[str]
    failed: list[str]
    already_sent: list[str] = field(default_factory=list)


def send_overdue_digests(*, today: date) -> DigestReport:
    """One digest per authority per day: run again the same day (a retried task), it sends only
    those that failed."""
    report = DigestReport(sent={}, without_address=[], failed=[])
    overdue = Complaint.objects.filter(Complaint.overdue_condition(today)).select_related(
        "category"
    )
    for authority in Authority.objects.filter(complaints_routed__in=overdue).distinct():
        items = list(overdue.filter(authority=authority).order_by("acknowledge_by", "answer_by"))
        if not authority.email:
            report.without_address.append(authority.slug)
            continue
        key = f"overdue-digest:{authority.pk}:{today.isoformat()}"
        try:
            sent = send_once(key, partial(_digest, authority, items, today))
        except (smtplib.SMTPException, OSError) as error:
            logger.error(
                "overdue digest for %s not sent (%s)", authority.slug, type(error).__name__
            )
            report.failed.append(authority.slug)
        else:
            if sent:
                report.sent[authority.slug] = len(items)
            else:
                report.already_sent.append(authority.slug)
    return report


def _digest(authority: Authority, items: list[Complaint], today: date) -> EmailMessage:
    recipients = [authority.email] + list(
        authority.staff.filter(role="manager").values_list("user__email", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "authority": authority,
            "complaints": items,
            "today": today,
            "queue_url": f"{settings.SITE_URL}{reverse('staff-queue')}?overdue=true",
        }
        subject = render_to_string("staff/email/digest_subject.txt", context).strip()
        body = render_to_string("staff/email/digest_body.txt", context)
    return EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [address for address in recipients if address]
    )
