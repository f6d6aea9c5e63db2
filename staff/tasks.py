"""The daily overdue digests, as a scheduled task."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from issues.tasks import RETRY

from .digests import send_overdue_digests as send_digests


class DigestsNotAllSent(Exception):
    """Some authorities' digests failed: the task retries, and only those are sent again."""


@shared_task(**(RETRY | {"autoretry_for": (*RETRY["autoretry_for"], DigestsNotAllSent)}))
def send_overdue_digests() -> dict[str, int]:
    report = send_digests(today=timezone.localdate())
    if report.failed:
        raise DigestsNotAllSent(", ".join(report.failed))
    return report.sent
