"""Hourly: match new reports and updates to alerts and owe their e-mails."""

from __future__ import annotations

from celery import shared_task

from issues.tasks import RETRY

from . import services


@shared_task(**RETRY)
def send_alerts() -> int:
    return services.send_alerts()
