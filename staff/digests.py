"""The daily e-mail telling each authority what is overdue in its queue."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from districts.models import Authority
from issues.models import Complaint

logger = logging.getLogger(__name__)


@dataclass
class DigestReport:
    sent: dict[str, int]
    without_address: list[str]
    failed: list[str]


def send_overdue_digests(*, today: date) -> DigestReport:
    report = DigestReport(sent={}, without_address=[], failed=[])
    overdue = Complaint.objects.filter(Complaint.overdue_condition(today)).select_related(
        "category"
    )
    for authority in Authority.objects.filter(complaints_routed__in=overdue).distinct():
        items = list(overdue.filter(authority=authority).order_by("acknowledge_by", "answer_by"))
        if not authority.email:
            report.without_address.append(authority.slug)
            continue
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
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [r for r in recipients if r])
        except (smtplib.SMTPException, OSError):
            logger.exception("overdue digest for %s not sent", authority.slug)
            report.failed.append(authority.slug)
        else:
            report.sent[authority.slug] = len(items)
    return report
