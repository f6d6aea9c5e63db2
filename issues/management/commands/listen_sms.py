"""Stays bound to the SMSC as a receiver and records what it sends: delivery receipts on the
owed SMS, citizens' STOP replies as opt-outs (issues.sms.inbound). Run it beside the worker
when SMS_BACKEND is the SMPP backend (docker-compose's `sms-listener`); with another backend
there is nothing to receive and it exits."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from issues.sms import inbound
from issues.sms.backends import SmsUnavailable, get_backend

logger = logging.getLogger(__name__)

SMPP_BACKEND = "issues.sms.backends.smpp.SmsBackend"


class Command(BaseCommand):
    help = "Receives delivery receipts and STOP replies from the SMSC (SMPP), reconnecting."

    def add_arguments(self, parser):
        parser.add_argument(
            "--idle-seconds",
            type=float,
            default=None,
            help="Stop after this long without a message (default: run until stopped).",
        )

    def handle(self, *args, idle_seconds=None, **options):
        if settings.SMS_BACKEND != SMPP_BACKEND:
            self.stdout.write("SMS_BACKEND is not the SMPP backend: nothing to receive.")
            return
        pause = 1.0
        while True:
            try:
                received = get_backend().listen(inbound.receive, idle_seconds=idle_seconds)
            except SmsUnavailable as down:
                logger.warning("SMSC unreachable (%s); binding again in %.0f s", down, pause)
                time.sleep(pause)
                pause = min(pause * 2, 300)
                continue
            self.stdout.write(f"{received} messages received.")
            if idle_seconds is not None:
                return
            pause = 1.0
