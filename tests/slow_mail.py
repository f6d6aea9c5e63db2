"""A file e-mail backend that announces, then takes its time (tests/issues/test_owed_emails.py
kills the worker process while it waits): writes `started-<pid>` in EMAIL_FILE_PATH, waits
SLOW_MAIL_SECONDS, then writes the message as Django's file backend does. Later sends (the
retried task in the next process) do not wait."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("started-*")):  # the first process to send waits, and is killed
            (folder / f"started-{os.getpid()}").touch()
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "30")))
        return super().send_messages(email_messages)
